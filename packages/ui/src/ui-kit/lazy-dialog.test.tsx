import { act, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { type DialogLoader, useLazyDialog } from './lazy-dialog.js';

interface Props {
  open: boolean;
  onClose(): void;
}

function Shown({ open }: Props) {
  return <p>{open ? 'dialog open' : 'dialog closed'}</p>;
}

let setOpen: (open: boolean) => void = () => {};

function Host({ load }: { load: DialogLoader<Props> }) {
  const [open, setOpenState] = useState(false);
  setOpen = setOpenState;
  const Dialog = useLazyDialog(load, open, () => setOpenState(false));
  return (
    <>
      <span>{open ? 'wanted' : 'not wanted'}</span>
      {Dialog && <Dialog open={open} onClose={() => setOpenState(false)} />}
    </>
  );
}

describe('useLazyDialog', () => {
  it('loads nothing until the dialog is first opened, then keeps it rendered when closed', async () => {
    const load = vi.fn(async () => Shown);
    render(<Host load={load} />);
    expect(load).not.toHaveBeenCalled();
    expect(screen.queryByText(/dialog/)).toBeNull();

    act(() => setOpen(true));
    expect(await screen.findByText('dialog open')).toBeTruthy();
    act(() => setOpen(false));
    expect(screen.getByText('dialog closed')).toBeTruthy();
    expect(load).toHaveBeenCalledOnce();
  });

  it('a dialog whose code failed to load reports closed, and opening it again retries', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const load = vi
      .fn<DialogLoader<Props>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'))
      .mockResolvedValue(Shown);
    render(<Host load={load} />);

    act(() => setOpen(true));
    expect(await screen.findByText('not wanted')).toBeTruthy();
    expect(screen.queryByText(/dialog/)).toBeNull();

    act(() => setOpen(true));
    expect(await screen.findByText('dialog open')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
