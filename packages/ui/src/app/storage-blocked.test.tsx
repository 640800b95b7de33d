import { LocalStorageAdapter } from '@chatkeep/storage';
import { fireEvent, render, screen } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { holdOlderVersion, type OlderVersionTab } from '../../test/older-version.js';

// Each test starts the app afresh: its own database and its own module state (boot runs once per page).
beforeEach(() => {
  vi.resetModules();
  globalThis.indexedDB = new IDBFactory();
  localStorage.clear();
});

const fallbackKeys = () => Object.keys(localStorage).filter((key) => key.startsWith('chatkeep:'));

const olderTab = () => (globalThis as { olderVersionTab?: OlderVersionTab }).olderVersionTab!;

describe('starting while another tab holds storage', () => {
  it('asks to close or reload the other tabs, keeps asking on Retry, and opens by itself once they let go', async () => {
    await holdOlderVersion(null);
    const { App } = await import('./App.js');
    render(<App />);
    const heading = await screen.findByRole(
      'heading',
      { name: 'Close or reload the other Chatkeep tabs' },
      { timeout: 5000 },
    );
    expect(heading.closest('[role="alert"]')?.textContent).toMatch(/older version of Chatkeep/);
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Another Chatkeep tab still holds it open.', {}, { timeout: 5000 }),
    ).toBeTruthy();
    expect(fallbackKeys()).toEqual([]);

    expect(olderTab().askedToClose).toBe(1);
    olderTab().db.close();
    expect(await screen.findByRole('textbox', { name: 'Message' }, { timeout: 5000 })).toBeTruthy();
    expect(fallbackKeys()).toEqual([]);
  });

  it('shows a notice when history saved in localStorage while IndexedDB was unavailable was merged', async () => {
    const fallback = await LocalStorageAdapter.open();
    await fallback.createConversation({ projectId: 'default', id: 'away', title: 'Away' });
    await fallback.saveMessage({
      id: 'm1',
      conversationId: 'away',
      projectId: 'default',
      role: 'user',
      content: 'hi',
    });
    await fallback.close();
    const { App } = await import('./App.js');
    render(<App />);
    const notice = await screen.findByRole('status', { name: 'Merge notice' }, { timeout: 5000 });
    expect(notice.textContent).toMatch(
      /^Merged 1 conversation \(1 message\), saved in this browser’s localStorage/,
    );
    expect(fallbackKeys()).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status', { name: 'Merge notice' })).toBeNull();
  });
});
