import { LocalStorageAdapter } from '@chatkeep/storage';
import { fireEvent, render, screen } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Each test starts the app afresh: its own database and its own module state (boot runs once per page).
beforeEach(() => {
  vi.resetModules();
  globalThis.indexedDB = new IDBFactory();
  localStorage.clear();
});

const fallbackKeys = () => Object.keys(localStorage).filter((key) => key.startsWith('chatkeep:'));

/** A tab of an older version: the history database at version 1, never closed on versionchange. */
function holdOlderVersion(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('chatkeep', 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('byProjectUpdated', [
        'projectId',
        'updatedAt',
      ]);
      db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversationCreated', [
        'conversationId',
        'createdAt',
        'id',
      ]);
      db.createObjectStore('projects', { keyPath: 'id' });
    };
    request.onsuccess = () => {
      request.result.onversionchange = () => {};
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

describe('starting while another tab holds storage', () => {
  it('asks to close or reload the other tabs, keeps asking on Retry, and opens by itself once they let go', async () => {
    const older = await holdOlderVersion();
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

    older.close();
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
