import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.js';

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('the app shell (DESIGN.md UI contract)', () => {
  it('exposes the named controls and landmarks the contract promises', async () => {
    render(<App />);
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New chat' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Search conversations' })).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Sync status' }).textContent).toContain('Sync off');
    expect(screen.getByRole('button', { name: 'Keyboard shortcuts' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    // The dialog's code loads on first open: slow on a busy machine.
    const settings = await screen.findByRole('dialog', { name: 'Settings' }, { timeout: 8000 });
    expect(within(settings).getByRole('radio', { name: /Demo assistant/ })).toHaveProperty('checked', true);
  });

  it('shows an alert saying the app works offline while the browser is offline', async () => {
    render(<App />);
    await screen.findByRole('textbox', { name: 'Message' });
    expect(screen.queryByRole('alert')).toBeNull();
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/works offline/);
  });

  it('keeps Send disabled until there is something to send', async () => {
    render(<App />);
    const box = await screen.findByRole('textbox', { name: 'Message' });
    const sendButton = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(sendButton.disabled).toBe(true);
    fireEvent.change(box, { target: { value: '   ' } });
    expect(sendButton.disabled).toBe(true);
    fireEvent.change(box, { target: { value: 'Hello' } });
    expect(sendButton.disabled).toBe(false);
  });
});
