import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { type ShortcutHandlers, useShortcuts } from './use-shortcuts.js';

function handlers() {
  const fn = () => vi.fn<() => void>();
  return {
    newChat: fn(),
    search: fn(),
    closeSearch: fn(),
    stop: fn(),
    help: fn(),
  } satisfies ShortcutHandlers;
}

function Harness({ on, dialogOpen = false }: { on: ShortcutHandlers; dialogOpen?: boolean }) {
  useShortcuts(on);
  return (
    <>
      <input type="search" aria-label="Search conversations" />
      <textarea aria-label="Message" />
      {dialogOpen && (
        <dialog open aria-label="Keyboard shortcuts">
          <button type="button">Close</button>
        </dialog>
      )}
    </>
  );
}

describe('Esc', () => {
  it('stops the answer being written when focus is outside the search box and dialogs', () => {
    const on = handlers();
    render(<Harness on={on} />);
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(on.stop).toHaveBeenCalledTimes(2);
    expect(on.closeSearch).not.toHaveBeenCalled();
  });

  it('in the search box clears the search and does not stop the answer', () => {
    const on = handlers();
    render(<Harness on={on} />);
    const event = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    screen.getByRole('searchbox', { name: 'Search conversations' }).dispatchEvent(event);
    expect(on.closeSearch).toHaveBeenCalledOnce();
    expect(on.stop).not.toHaveBeenCalled();
    // The browser's own clearing of a search field is left out: the app clears it.
    expect(event.defaultPrevented).toBe(true);
  });

  it('in a dialog is left to the dialog and does not stop the answer', () => {
    const on = handlers();
    render(<Harness on={on} dialogOpen />);
    fireEvent.keyDown(screen.getByRole('button', { name: 'Close' }), { key: 'Escape' });
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message', hidden: true }), { key: 'Escape' });
    expect(on.stop).not.toHaveBeenCalled();
    expect(on.closeSearch).not.toHaveBeenCalled();
  });

  it('already handled by the element with focus (a rename box) does nothing more', () => {
    const on = handlers();
    render(<Harness on={on} />);
    const event = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    event.preventDefault();
    screen.getByRole('textbox', { name: 'Message' }).dispatchEvent(event);
    expect(on.stop).not.toHaveBeenCalled();
  });
});

describe('other shortcuts', () => {
  it('Ctrl+K searches, Ctrl+Shift+O starts a new chat, Ctrl+/ shows the shortcuts', () => {
    const on = handlers();
    render(<Harness on={on} />);
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    fireEvent.keyDown(document.body, { key: 'O', ctrlKey: true, shiftKey: true });
    fireEvent.keyDown(document.body, { key: '/', ctrlKey: true });
    expect(on.search).toHaveBeenCalledOnce();
    expect(on.newChat).toHaveBeenCalledOnce();
    expect(on.help).toHaveBeenCalledOnce();
  });
});
