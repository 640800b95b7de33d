import { describe, expect, it } from 'vitest';
import { expectStorageError } from './contract/context.js';
import { batchSaverOf, saveConversationBatch } from './conversation-batch.js';
import { conversationWith, openDb, openLocalDb } from './export/test-support/databases.js';
import type { StorageChange } from './types.js';

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as const)('saving a batch of conversations (%s)', (_name, open) => {
  it('saves every conversation of the batch in one transaction', async () => {
    const db = await open();
    const changes: StorageChange[] = [];
    db.subscribe((change) => changes.push(change));
    const a = conversationWith('a', ['one', 'two']);
    const b = conversationWith('b', ['three']);
    await batchSaverOf(db)![saveConversationBatch]([
      { ...a, validated: true },
      { ...b, validated: true },
    ]);
    expect(await db.getConversation('a')).toMatchObject({ messageCount: 2, lastMessage: 'two' });
    expect(await db.getConversation('b')).toMatchObject({ messageCount: 1, lastMessage: 'three' });
    // One committed transaction: one change report for the project, naming both.
    expect(changes).toHaveLength(1);
    expect(changes[0]!.conversations.map((c) => c.id).sort()).toEqual(['a', 'b']);
    expect((await db.pendingChanges(10)).map((c) => c.id).sort()).toEqual([
      'a',
      'a-m000000',
      'a-m000001',
      'b',
      'b-m000000',
    ]);
  });

  it('saves nothing of the batch when one of its conversations fails', async () => {
    const db = await open();
    const taken = conversationWith('taken', ['existing']);
    await db.saveConversation(taken.conversation, taken.messages);
    const fine = conversationWith('fine', ['hello']);
    const clash = conversationWith('clash', ['moved?']);
    clash.messages[0]!.id = 'taken-m000000';
    await expectStorageError(
      batchSaverOf(db)![saveConversationBatch]([
        { ...fine, validated: true },
        { ...clash, validated: true },
      ]),
      'invalid-input',
      /belongs to conversation taken/,
    );
    expect(await db.getConversation('fine')).toBeUndefined();
    expect(await db.getConversation('clash')).toBeUndefined();
    expect(await db.loadConversation('taken')).toHaveLength(1);
  });

  it('validates messages its reader did not validate, naming the message and the field', async () => {
    const db = await open();
    const item = conversationWith('c', ['ok', 'bad']);
    (item.messages[1] as { role: string }).role = 'robot';
    await expectStorageError(
      batchSaverOf(db)![saveConversationBatch]([{ ...item, validated: false }]),
      'invalid-input',
      /messages\[1\] is invalid: role/,
    );
    expect(await db.getConversation('c')).toBeUndefined();
  });

  it('still refuses a message of another conversation, validated or not', async () => {
    const db = await open();
    const item = conversationWith('c', ['mine']);
    const other = conversationWith('d', ['not mine']);
    await expectStorageError(
      batchSaverOf(db)![saveConversationBatch]([
        { conversation: item.conversation, messages: [...item.messages, ...other.messages], validated: true },
      ]),
      'invalid-input',
      /belongs to conversation d/,
    );
    expect(await db.getConversation('c')).toBeUndefined();
  });

  it('refuses a message id two conversations of the same batch both name, saving neither', async () => {
    const db = await open();
    const first = conversationWith('first', ['mine']);
    const second = conversationWith('second', ['mine too?']);
    second.messages[0]!.id = 'first-m000000';
    await expectStorageError(
      batchSaverOf(db)![saveConversationBatch]([
        { ...first, validated: true },
        { ...second, validated: true },
      ]),
      'invalid-input',
      /belongs to conversation first/,
    );
    expect(await db.getConversation('first')).toBeUndefined();
  });

  it('keeps what the server acknowledged of a record whose id comes back in a new conversation', async () => {
    // A deleted message leaves a sync entry with its server version; a new
    // conversation (nothing of it stored) that uses the id again must not lose it.
    const db = await open();
    const first = conversationWith('first', ['kept', 'gone']);
    await db.saveConversation(first.conversation, first.messages);
    const pending = await db.pendingChanges(10);
    await db.markPushed(
      pending.map((c, i) => ({ kind: c.kind, id: c.id, hlc: c.hlc, version: i + 1 })),
      1,
    );
    const version = (await db.getSyncMetadata('message', 'first-m000001'))?.version;
    expect(version).toBeGreaterThan(0);
    await db.deleteMessage('first-m000001');
    const again = conversationWith('again', ['back']);
    again.messages[0]!.id = 'first-m000001';
    await batchSaverOf(db)![saveConversationBatch]([
      { ...again, validated: true },
      { ...conversationWith('other', ['new']), validated: true },
    ]);
    expect((await db.loadConversation('again')).map((m) => m.content)).toEqual(['back']);
    expect(await db.getConversation('other')).toMatchObject({ messageCount: 1 });
    expect(await db.getSyncMetadata('message', 'first-m000001')).toMatchObject({
      syncStatus: 'pending',
      version,
    });
  });

  it('upserts a conversation listed twice in a batch onto its first copy', async () => {
    const db = await open();
    const a = conversationWith('a', ['one']);
    const again = conversationWith('a', ['one', 'two']);
    await batchSaverOf(db)![saveConversationBatch]([
      { ...a, validated: true },
      { ...again, validated: true },
    ]);
    expect(await db.getConversation('a')).toMatchObject({ messageCount: 2, lastMessage: 'two' });
  });

  it('refuses a batch whose messages follow each other in a circle, naming them', async () => {
    const db = await open();
    const item = conversationWith('loop', ['x', 'y', 'z']);
    const [x, y, z] = item.messages;
    x!.parentId = z!.id;
    y!.parentId = x!.id;
    z!.parentId = y!.id;
    await expectStorageError(
      batchSaverOf(db)![saveConversationBatch]([{ ...item, validated: true }]),
      'invalid-input',
      /follow each other in a circle/,
    );
    expect(await db.getConversation('loop')).toBeUndefined();
  });
});
