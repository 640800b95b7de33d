import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Dialog } from './Dialog.js';

function Opener() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open it
      </button>
      <Dialog title="Example" open={open} onClose={() => setOpen(false)}>
        <input aria-label="Inside" />
      </Dialog>
    </>
  );
}

describe('Dialog', () => {
  it('returns focus to the control that opened it when it closes', async () => {
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Open it' });
    opener.focus();
    fireEvent.click(opener);
    const inside = await screen.findByRole('textbox', { name: 'Inside' });
    act(() => inside.focus());
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(document.activeElement).toBe(opener);
  });
});
