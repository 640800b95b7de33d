// @vitest-environment node
import { type ChatStorageAdapter, heartbeatStreamLocks, type Message } from '@chatkeep/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import { MemoryStorage } from '../../test/memory-storage.js';
import { openTestStorage } from '../../test/storage.js';
import { createOpenAICompatibleAssistant } from '../assistants/openai-compatible.js';
import {
  cancelQueued,
  claimQueued,
  defaultOutboxLock,
  editQueued,
  Outbox,
  type OutboxLock,
  queuedMark,
  queuedMetadata,
} from './outbox.js';
import { runAnswer, saveUserMessage } from './run-turn.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

interface Device {
  storage: ChatStorageAdapter;
  /** The origin's localStorage, shared by its tabs. */
  local: MemoryStorage;
  lock: OutboxLock;
  conversationId: string;
}

async function device(): Promise<Device> {
  const storage = await openTestStorage();
  const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
  return { storage, local: new MemoryStorage(), lock: defaultOutboxLock(), conversationId };
}

/** What the app does when a message is sent offline: listed, then saved with its mark. */
async function queue(d: Device, text: string, id: string): Promise<Message> {
  new Outbox(d.local).add({ messageId: id, conversationId: d.conversationId });
  return saveUserMessage({
    storage: d.storage,
    conversationId: d.conversationId,
    projectId: 'p',
    text,
    id,
    metadata: queuedMetadata(),
  });
}

/** One tab's flush: claim, then answer what it claimed. */
async function flushTab(d: Device): Promise<number> {
  const claimed = await claimQueued({ storage: d.storage, outbox: new Outbox(d.local), lock: d.lock });
  for (const m of claimed) {
    await runAnswer({
      storage: d.storage,
      locks: heartbeatStreamLocks({ storage: new MemoryStorage() }),
      assistant: createOpenAICompatibleAssistant({
        baseURL: server.url,
        apiKey: '',
        model: 'fake-model',
        tools: false,
      }),
      conversationId: m.conversationId,
      projectId: m.projectId,
      signal: new AbortController().signal,
      parentId: m.id,
    });
  }
  return claimed.length;
}

describe('the outbox', () => {
  it('a waiting message is sent exactly once when two tabs flush at the same moment', async () => {
    const d = await device();
    await queue(d, 'Sent while offline', 'q1');
    const before = server.requests.length;

    const counts = await Promise.all([flushTab(d), flushTab(d)]);

    expect(counts.sort()).toEqual([0, 1]);
    expect(server.requests.length - before).toBe(1);
    expect(server.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'Sent while offline' }]);
    const messages = await d.storage.loadConversation(d.conversationId);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(queuedMark(messages[0]!)).toBeUndefined();
    expect(new Outbox(d.local).list()).toEqual([]);
    // A later flush (the app starting again) finds nothing left to send.
    expect(await flushTab(d)).toBe(0);
    expect(server.requests.length - before).toBe(1);
  });

  it('the waiting mark is kept in storage, so it survives a reload', async () => {
    const d = await device();
    await queue(d, 'still waiting', 'q1');
    const [saved] = await d.storage.loadConversation(d.conversationId);
    expect(queuedMark(saved!)).toEqual({ since: expect.any(Number) });
    expect(saved!.status).toBe('complete');
  });

  it('messages waiting in a row get one answer, with all of them in its history', async () => {
    const d = await device();
    await queue(d, 'first', 'q1');
    await queue(d, 'second', 'q2');
    const before = server.requests.length;
    expect(await flushTab(d)).toBe(1);
    expect(server.requests.length - before).toBe(1);
    expect(server.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['first', 'second']);
  });

  it('a cancelled message is removed and never sent', async () => {
    const d = await device();
    const message = await queue(d, 'never mind', 'q1');
    const outbox = new Outbox(d.local);
    expect(await cancelQueued({ storage: d.storage, outbox, lock: d.lock, message })).toBe(true);
    const before = server.requests.length;
    expect(await flushTab(d)).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(await d.storage.loadConversation(d.conversationId)).toEqual([]);
  });

  it('once claimed for sending it is too late to cancel or edit', async () => {
    const d = await device();
    const message = await queue(d, 'on its way', 'q1');
    await claimQueued({ storage: d.storage, outbox: new Outbox(d.local), lock: d.lock });
    const outbox = new Outbox(d.local);
    expect(await cancelQueued({ storage: d.storage, outbox, lock: d.lock, message })).toBe(false);
    expect(await editQueued({ storage: d.storage, lock: d.lock, message, text: 'x' })).toBe(false);
    expect((await d.storage.loadConversation(d.conversationId))[0]?.content).toBe('on its way');
  });

  it('an edit before sending replaces the text in place, and the edited text is what is sent', async () => {
    const d = await device();
    const message = await queue(d, 'typo', 'q1');
    expect(await editQueued({ storage: d.storage, lock: d.lock, message, text: 'fixed' })).toBe(true);
    const { versions } = await d.storage.listVersions('q1');
    expect(versions.map((m) => m.content)).toEqual(['fixed']);
    expect(queuedMark(versions[0]!)).toBeDefined();
    await flushTab(d);
    expect(server.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'fixed' }]);
  });

  it('an entry whose message is gone or no longer waiting is dropped', async () => {
    const d = await device();
    const outbox = new Outbox(d.local);
    outbox.add({ messageId: 'missing', conversationId: d.conversationId });
    await saveUserMessage({
      storage: d.storage,
      conversationId: d.conversationId,
      projectId: 'p',
      text: 'sent',
      id: 'done',
    });
    outbox.add({ messageId: 'done', conversationId: d.conversationId });
    expect(await claimQueued({ storage: d.storage, outbox, lock: d.lock })).toEqual([]);
    expect(outbox.list()).toEqual([]);
  });
});
