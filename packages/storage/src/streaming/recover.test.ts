import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, openLocalDb } from '../export/test-support/databases.js';
import { formatHlc } from '../hlc.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import type { ChatStorageAdapter, MessageInput, SyncableChatStorage } from '../types.js';
import { recoverAllRecent, recoverInterrupted } from './recover.js';
import { heartbeatStreamLocks, type StreamLocks } from './stream-locks.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as const)('recovery of cut-off answers (%s)', (_name, open) => {
  let storage: ChatStorageAdapter;
  let locks: StreamLocks;
  let conversationId: string;

  beforeEach(async () => {
    storage = await open();
    locks = heartbeatStreamLocks({ storage: new MemoryStorage() });
    conversationId = (await storage.createConversation({ projectId: 'p' })).id;
  });

  const answer = (id: string, status: MessageInput['status'], extra: Partial<MessageInput> = {}) =>
    storage.saveMessage({
      id,
      conversationId,
      projectId: 'p',
      role: 'assistant',
      content: 'saved part',
      status,
      ...extra,
    });

  it('marks a pending or streaming answer with no live stream interrupted and keeps its text', async () => {
    await storage.saveMessage({ id: 'm1', conversationId, projectId: 'p', role: 'user', content: 'q' });
    await answer('m2', 'streaming');
    expect(await recoverInterrupted(storage, locks, conversationId)).toBe(1);
    const [question, cutOff] = await storage.loadConversation(conversationId);
    expect(question?.status).toBe('complete');
    expect(cutOff).toMatchObject({ status: 'interrupted', content: 'saved part' });
    expect(await recoverInterrupted(storage, locks, conversationId)).toBe(0);
  });

  it('an answer another device is streaming (synced here) is left alone until it has been quiet for 2 minutes', async () => {
    const synced = storage as SyncableChatStorage;
    const writtenAt = Date.now();
    const stamp = formatHlc({ ms: writtenAt, counter: 0, clientId: 'otherdevice' });
    const message = {
      id: 'remote',
      conversationId,
      projectId: 'p',
      role: 'assistant' as const,
      content: 'half an answer',
      status: 'streaming' as const,
      createdAt: writtenAt,
      updatedAt: writtenAt,
      parentId: null,
    };
    await synced.applyRemote(
      [
        {
          kind: 'message',
          id: 'remote',
          projectId: 'p',
          hlc: stamp,
          deleted: false,
          data: message,
          version: 1,
        },
      ],
      '1',
    );
    expect(await recoverInterrupted(storage, locks, conversationId, writtenAt + 60_000)).toBe(0);
    expect((await storage.loadConversation(conversationId))[0]?.status).toBe('streaming');
    expect(await recoverInterrupted(storage, locks, conversationId, writtenAt + 2 * 60_000 + 1)).toBe(1);
    expect((await storage.loadConversation(conversationId))[0]?.status).toBe('interrupted');
  });

  it('leaves finished, failed and stopped answers as they are', async () => {
    await answer('a1', 'complete');
    await answer('a2', 'error');
    await answer('a3', 'interrupted', { metadata: { stopped: true } });
    expect(await recoverInterrupted(storage, locks, conversationId)).toBe(0);
    expect((await storage.loadConversation(conversationId)).map((m) => m.status)).toEqual([
      'complete',
      'error',
      'interrupted',
    ]);
  });

  it('leaves an answer alone while a stream into its conversation is live, and recovers it once that ends', async () => {
    await answer('a1', 'streaming');
    let release!: () => void;
    const streaming = locks.hold(conversationId, () => new Promise<void>((r) => (release = r)));
    expect(await recoverInterrupted(storage, locks, conversationId)).toBe(0);
    expect((await storage.loadConversation(conversationId))[0]?.status).toBe('streaming');
    release();
    await streaming;
    expect(await recoverInterrupted(storage, locks, conversationId)).toBe(1);
  });

  it('on start, recovers cut-off answers in every project without opening them', async () => {
    const other = await storage.createConversation({ projectId: 'q' });
    await answer('x1', 'pending', { content: 'part' });
    await answer('x2', 'pending', { content: 'part', conversationId: other.id, projectId: 'q' });
    expect(await recoverAllRecent(storage, locks)).toBe(2);
    expect((await storage.loadConversation(other.id))[0]?.status).toBe('interrupted');
  });

  it('on start, leaves conversations untouched for more than a week to the recovery that runs when they open', async () => {
    await answer('x1', 'pending');
    expect(await recoverAllRecent(storage, locks, Date.now() + 8 * DAY)).toBe(0);
    expect((await storage.loadConversation(conversationId))[0]?.status).toBe('pending');
    expect(await recoverAllRecent(storage, locks, Date.now() + 6 * DAY)).toBe(1);
  });
});
