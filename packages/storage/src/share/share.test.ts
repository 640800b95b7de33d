// Share links end to end inside the storage package: the snapshot of a
// conversation, encrypted and decrypted with the link's key, reads back as
// the conversation the owner sees, and imports into another browser's storage.
import { describe, expect, it } from 'vitest';
import { decryptShare, encryptShare } from '../crypto/share-cipher.js';
import { openDb } from '../export/test-support/databases.js';
import { MAX_SHARE_BYTES } from '../sync/protocol.js';
import type { ChatStorageAdapter } from '../types.js';
import { checkShareSize } from './create.js';
import { parseShareLink, shareLink } from './link.js';
import { buildShareSnapshot, importShareSnapshot, readShareSnapshot } from './snapshot.js';

const START = Date.UTC(2025, 0, 1);

/** q1 -> a1 (replaced) | a2 -> q2 -> a3 (active), tagged and pinned, in a project whose id is its name (as old ones are). */
async function owned(db: ChatStorageAdapter) {
  await db.createConversation({ id: 'c1', projectId: 'Clinic secrets', title: 'Trip to Lisbon' });
  await db.updateConversation('c1', { tags: ['health'], pinned: true });
  const save = (
    id: string,
    role: 'user' | 'assistant',
    content: string,
    parentId: string | null,
    n: number,
  ) =>
    db.saveMessage({
      id,
      conversationId: 'c1',
      projectId: 'Clinic secrets',
      role,
      content,
      parentId,
      createdAt: START + n * 1000,
    });
  await save('q1', 'user', 'Plan the trip', null, 0);
  await save('a1', 'assistant', 'First draft of the plan', 'q1', 1);
  await save('a2', 'assistant', 'Day 1: **Alfama**', 'q1', 2);
  await save('q2', 'user', 'What about the weather?', 'a2', 3);
  await db.saveMessage({
    id: 'a3',
    conversationId: 'c1',
    projectId: 'Clinic secrets',
    role: 'assistant',
    content: 'Sunny.',
    parentId: 'q2',
    createdAt: START + 4000,
    toolCalls: [{ id: 'call-1', name: 'weather', arguments: { city: 'Lisbon' } }],
  });
}

describe('share snapshots', () => {
  it('the active branch round-trips through the share cipher and reads back as the owner sees it', async () => {
    const db = await openDb();
    await owned(db);
    const snapshot = await buildShareSnapshot(db, 'c1');
    const { data, key } = await encryptShare(snapshot);
    expect(JSON.stringify(data)).not.toMatch(/Lisbon|Alfama|weather/);

    const shared = readShareSnapshot(await decryptShare(data, key));
    expect(shared.branches).toBe('active');
    expect(shared.conversation).toMatchObject({ id: 'c1', title: 'Trip to Lisbon', messageCount: 4 });
    expect(shared.activeBranch.map((m) => m.id)).toEqual(['q1', 'a2', 'q2', 'a3']);
    expect(shared.messages.map((m) => m.id)).toEqual(['q1', 'a2', 'q2', 'a3']);
    expect(shared.activeBranch[3]!.toolCalls).toEqual([
      { id: 'call-1', name: 'weather', arguments: { city: 'Lisbon' } },
    ]);
  });

  it("the owner's project, tags, pin and archive state stay out of the snapshot", async () => {
    const db = await openDb();
    await owned(db);
    const text = JSON.stringify(await buildShareSnapshot(db, 'c1', { branches: 'all' }));
    expect(text).not.toMatch(/Clinic secrets|health/);
    const shared = readShareSnapshot(JSON.parse(text));
    expect(shared.conversation).toMatchObject({
      projectId: 'default',
      tags: [],
      pinned: false,
      archived: false,
    });
  });

  it('all branches keep every version, and the branch shown is still the active one', async () => {
    const db = await openDb();
    await owned(db);
    const shared = readShareSnapshot(await buildShareSnapshot(db, 'c1', { branches: 'all' }));
    expect(shared.branches).toBe('all');
    expect(shared.messages.map((m) => m.id)).toEqual(['q1', 'a1', 'a2', 'q2', 'a3']);
    expect(shared.activeBranch.map((m) => m.id)).toEqual(['q1', 'a2', 'q2', 'a3']);
  });

  it('an unknown conversation or a bad branches option is refused with what to fix', async () => {
    const db = await openDb();
    await expect(buildShareSnapshot(db, 'nope')).rejects.toMatchObject({ code: 'not-found' });
    await owned(db);
    await expect(buildShareSnapshot(db, 'c1', { branches: 'some' as never })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/'active' or 'all'/),
    });
  });

  it('what is not a snapshot of one conversation is refused as import-failed', async () => {
    const db = await openDb();
    await owned(db);
    const snapshot = await buildShareSnapshot(db, 'c1');
    const twice = { ...snapshot, conversations: [...snapshot.conversations, ...snapshot.conversations] };
    expect(() => readShareSnapshot(twice)).toThrow(/exactly one conversation/);
    expect(() => readShareSnapshot({ format: 'chatkeep', version: 2, conversations: [{}] })).toThrow(
      /not in a form this version of Chatkeep reads/,
    );
    expect(() => readShareSnapshot(null)).toThrow(/exactly one conversation/);
  });

  it('imports into another browser in the chosen project; importing the link again keeps one copy', async () => {
    const owner = await openDb();
    await owned(owner);
    const snapshot = await buildShareSnapshot(owner, 'c1', { branches: 'all' });
    const reader = await openDb();
    expect(await importShareSnapshot(reader, snapshot, { projectId: 'mine' })).toEqual({
      conversationId: 'c1',
      imported: true,
    });
    const copy = await reader.getConversation('c1');
    expect(copy).toMatchObject({ projectId: 'mine', title: 'Trip to Lisbon', activeLeafId: 'a3' });
    expect((await reader.loadConversation('c1')).map((m) => m.id)).toEqual(['q1', 'a1', 'a2', 'q2', 'a3']);
    expect((await reader.getMessages('c1')).messages.map((m) => m.content)).toEqual([
      'Plan the trip',
      'Day 1: **Alfama**',
      'What about the weather?',
      'Sunny.',
    ]);
    expect(await importShareSnapshot(reader, snapshot, { projectId: 'mine' })).toEqual({
      conversationId: 'c1',
      imported: false,
    });
    expect(await reader.listConversations('mine')).toHaveLength(1);
  });

  it('a snapshot too large for one share is refused, saying what to share instead', () => {
    const envelope = (ctChars: number) => ({ enc: 1 as const, iv: 'A'.repeat(16), ct: 'A'.repeat(ctChars) });
    const overhead = JSON.stringify(envelope(0)).length;
    expect(checkShareSize(envelope(MAX_SHARE_BYTES - overhead), 'active')).toBe(MAX_SHARE_BYTES);
    expect(() => checkShareSize(envelope(MAX_SHARE_BYTES - overhead + 1), 'all')).toThrow(
      expect.objectContaining({
        code: 'share-too-large',
        message: expect.stringMatching(/at most 16 MB\. Share only the active branch/),
      }),
    );
    expect(() => checkShareSize(envelope(MAX_SHARE_BYTES), 'active')).toThrow(/Fork the part you want/);
  });
});

describe('share links', () => {
  it('the link carries the id in its path and the key in its fragment, and parses back', () => {
    const url = shareLink('https://chat.example.com/', 'AbC_-123', 'k'.repeat(43));
    expect(url).toBe(`https://chat.example.com/s/AbC_-123#${'k'.repeat(43)}`);
    expect(parseShareLink(url)).toEqual({
      serverUrl: 'https://chat.example.com',
      id: 'AbC_-123',
      key: 'k'.repeat(43),
    });
    expect(parseShareLink('https://chat.example.com/s/AbC_-123')?.key).toBe('');
    expect(parseShareLink('https://chat.example.com/c/AbC_-123')).toBeUndefined();
  });
});
