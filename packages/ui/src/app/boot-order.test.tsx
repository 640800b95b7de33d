import { type ChatStorageAdapter, openChatStorage } from '@chatkeep/storage';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Every storage call the app makes, in order.
const calls: { method: string; at: number }[] = [];
let firstPaintAt: number | undefined;

vi.mock('../data/storage.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../data/storage.js')>();
  let recorded: Promise<ChatStorageAdapter> | undefined;
  return {
    ...original,
    getStorage: () => {
      recorded ??= original.getStorage().then(
        (adapter) =>
          new Proxy(adapter, {
            get(target, key, receiver) {
              const value = Reflect.get(target, key, receiver);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                calls.push({ method: String(key), at: performance.now() });
                return value.apply(target, args);
              };
            },
          }),
      );
      return recorded;
    },
  };
});

afterEach(() => {
  localStorage.clear();
  vi.restoreAllMocks();
});

/** happy-dom lays nothing out: give elements a window's size so the virtualised list renders rows. */
function fakeLayout() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
}

describe('starting the app on a conversation', () => {
  it('reads the open conversation first and the sidebar list only after the main view painted', async () => {
    fakeLayout();
    const seed = await openChatStorage();
    await seed.createConversation({ projectId: 'default', id: 'open-one', title: 'The open one' });
    await seed.saveMessage({
      id: 'm1',
      conversationId: 'open-one',
      projectId: 'default',
      role: 'user',
      content: 'Hello there',
    });
    await seed.createConversation({ projectId: 'default', id: 'other', title: 'Another one' });
    await seed.close();
    localStorage.setItem(
      'chatkeep-ui',
      JSON.stringify({
        state: { projectId: 'default', knownProjects: ['default'], activeByProject: { default: 'open-one' } },
        version: 0,
      }),
    );
    const firstPaint = await import('../data/first-paint.js');
    firstPaint.afterFirstPaint(() => {
      firstPaintAt = performance.now();
    });
    const { App } = await import('./App.js');
    const started = performance.now();
    render(<App />);

    expect(await screen.findByText('Hello there', {}, { timeout: 10_000 })).toBeTruthy();

    const nav = await screen.findByRole('navigation', { name: 'Conversations' });
    expect(await within(nav).findByText('Another one', {}, { timeout: 10_000 })).toBeTruthy();
    const methods = calls.map((c) => c.method);
    expect(methods.slice(0, 2).sort()).toEqual(['getConversation', 'getMessages']);
    const listedAt = calls.find((c) => c.method === 'listConversations')?.at;
    // Reported by the message list, not the fallback for a view that never reports.
    expect(firstPaintAt! - started).toBeLessThan(firstPaint.FIRST_PAINT_FALLBACK_MS);
    expect(listedAt).toBeGreaterThanOrEqual(firstPaintAt!);
  });
});
