// Import into Chromium's real IndexedDB: several conversations per
// transaction, read-backs only of what exists, quota simulated as in the
// contract suite (put/add throw QuotaExceededError once a budget is spent).
import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { exportConversations } from '../export/index.js';
import { conversationWith } from '../export/test-support/databases.js';
import { openBrowserDb } from '../indexeddb/test-support/browser-databases.js';
import { enforceBudgets, setBudget } from '../indexeddb/test-support/write-budget.js';
import { importConversations } from './index.js';

const open = () => openBrowserDb('import');

/** A Chatkeep export of `count` conversations of `size` messages, and its conversation ids in file order. */
async function exportOf(count: number, size: number): Promise<{ file: string; ids: string[] }> {
  const source = await open();
  for (let i = 0; i < count; i++) {
    const { conversation, messages } = conversationWith(
      `c${String(i).padStart(3, '0')}`,
      Array.from({ length: size }, (_, j) => `message ${j} of conversation ${i} `.repeat(8)),
      { start: Date.UTC(2025, 0, 1) + i * 3_600_000 },
    );
    await source.saveConversation(conversation, messages);
  }
  const file = await exportConversations(source, { format: 'json', now: () => 0 });
  const ids = (JSON.parse(file) as { conversations: { id: string }[] }).conversations.map((c) => c.id);
  return { file, ids };
}

describe('import into IndexedDB (Chromium)', () => {
  it('imports every conversation whole, and importing the file again changes nothing', async () => {
    // 1,500 messages: more than one transaction's worth.
    const { file, ids } = await exportOf(30, 50);
    const db = await open();
    const result = await importConversations(db, file);
    expect(result).toMatchObject({ conversations: 30, messages: 1500, skipped: [] });
    expect(result.conversationIds).toEqual(ids);
    const imported = await exportConversations(db, { format: 'json', now: () => 0 });
    expect(JSON.parse(imported)).toEqual(JSON.parse(file));
    expect(await db.pendingCount()).toBe(30 + 1500);

    const again = await importConversations(db, file);
    expect(again.conversations).toBe(30);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(imported);
    expect(await db.pendingCount()).toBe(30 + 1500);
  });

  it('keeps every conversation whole or absent when the disk fills up, and says how many were saved', async () => {
    const { file, ids } = await exportOf(30, 10);
    const db = await open();
    enforceBudgets(IDBObjectStore.prototype);
    setBudget(db.dbName, file.length);
    const error = await expectStorageError(importConversations(db, file), 'quota-exceeded');
    setBudget(db.dbName, Number.POSITIVE_INFINITY);
    const saved = Number(/: (\d+) of 30 conversations/.exec(error.message)?.[1]);
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(30);
    const stored = (await db.listConversations('default')).map((c) => c.id).sort();
    expect(stored).toEqual(ids.slice(0, saved).sort());
    for (const id of stored) expect(await db.loadConversation(id)).toHaveLength(10);
    expect(error.message).toContain(`(${ids[saved]})`);
  });

  it('refuses only the conversation whose message id another conversation already uses', async () => {
    // New conversations are added without reading back; Chromium's ConstraintError sends the batch the careful way.
    const { file } = await exportOf(5, 4);
    const db = await open();
    const taken = conversationWith('taken', ['already here']);
    taken.messages[0]!.id = 'c002-m000001';
    await db.saveConversation(taken.conversation, taken.messages);
    const result = await importConversations(db, file);
    expect(result.conversations).toBe(4);
    expect(result.skipped).toEqual([
      expect.objectContaining({ id: 'c002', reason: expect.stringMatching(/belongs to conversation taken/) }),
    ]);
    expect(await db.getConversation('c002')).toBeUndefined();
    expect((await db.loadConversation('taken')).map((m) => m.content)).toEqual(['already here']);
    expect(await db.getConversation('c003')).toMatchObject({ messageCount: 4 });
  });
});
