import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expectStorageError } from '../contract/context.js';
import { exportConversations } from '../export/index.js';
import { openDb } from '../export/test-support/databases.js';
import { importConversations } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const chatgpt = JSON.parse(fixture('chatgpt-conversations.json')) as unknown[];
const claude = fixture('claude-conversations.json');

/** ChatGPT's newer export: conversations split over numbered parts, beside the HTML copy and images. */
function chatgptSplitZip(): Uint8Array<ArrayBuffer> {
  return zipSync({
    'chat.html': strToU8('<html><body>every conversation again</body></html>'),
    'conversations-000.json': strToU8(JSON.stringify([chatgpt[0]], null, 2)),
    'conversations-001.json': strToU8(JSON.stringify([chatgpt[1]])),
    'user.json': strToU8('{"id": "user-1"}'),
    'file-abc123-photo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
  });
}

describe('importing a zip', () => {
  it("imports every part of ChatGPT's split conversations and nothing else", async () => {
    const db = await openDb();
    const result = await importConversations(db, new Blob([chatgptSplitZip()], { type: 'application/zip' }));
    expect(result).toMatchObject({
      format: 'chatgpt',
      conversations: 2,
      messages: 9,
      conversationIds: ['conv-sales', 'conv-garden'],
      files: ['conversations-000.json', 'conversations-001.json'],
    });
    // The same as importing the unzipped conversations.json.
    const fromJson = await openDb();
    await importConversations(fromJson, JSON.stringify(chatgpt));
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(
      await exportConversations(fromJson, { format: 'json', now: () => 0 }),
    );
  });

  it('adds nothing when the same zip is imported twice', async () => {
    const db = await openDb();
    const zip = chatgptSplitZip();
    await importConversations(db, zip);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    const again = await importConversations(db, zip.buffer as ArrayBuffer);
    expect(again.conversations).toBe(2);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });

  it("imports Claude.ai's zip, passing over its account and project files", async () => {
    const db = await openDb();
    const zip = zipSync({
      'users.json': strToU8('[{"uuid": "acc-1", "full_name": "A"}]'),
      'projects.json': strToU8('[{"uuid": "p1", "name": "Garden", "docs": []}]'),
      'conversations.json': strToU8(claude),
    });
    const result = await importConversations(db, new Blob([zip]));
    expect(result).toMatchObject({ format: 'claude', conversations: 2, files: ['conversations.json'] });
  });

  it('reads entries stored without compression and inside a folder', async () => {
    const db = await openDb();
    const zip = zipSync({
      'export-2025/conversations.json': [strToU8(JSON.stringify(chatgpt)), { level: 0 }],
    });
    const result = await importConversations(db, zip);
    expect(result).toMatchObject({ conversations: 2, files: ['export-2025/conversations.json'] });
  });

  it('reads each conversation file in its own format', async () => {
    const db = await openDb();
    const zip = zipSync({
      'chatgpt/conversations.json': strToU8(JSON.stringify(chatgpt)),
      'claude/conversations.json': strToU8(claude),
    });
    const result = await importConversations(db, zip);
    expect(result).toMatchObject({ format: 'chatgpt', conversations: 4 });
    expect(await db.getConversation('c1a0e4d2-0000-4000-8000-000000000001')).toBeDefined();
  });

  it('imports a list larger than one group read at a time, every conversation once', async () => {
    const db = await openDb();
    const big = 'x'.repeat(80_000);
    const list = Array.from({ length: 120 }, (_, i) => ({
      conversation_id: `big-${i}`,
      title: `Big ${i}`,
      create_time: 1_700_000_000 + i,
      mapping: {
        [`n-${i}`]: {
          id: `n-${i}`,
          parent: null,
          children: [],
          message: {
            id: `m-${i}`,
            author: { role: 'user' },
            create_time: 1_700_000_000 + i,
            content: { content_type: 'text', parts: [`${i} ${big}`] },
          },
        },
      },
    }));
    const text = JSON.stringify(list);
    expect(text.length).toBeGreaterThan(9 << 20);
    // Stored, not compressed: the entry arrives a piece at a time, so groups are imported as it does.
    const result = await importConversations(
      db,
      zipSync({ 'conversations.json': [strToU8(text), { level: 0 }] }),
    );
    expect(result.conversations).toBe(120);
    expect(new Set(result.conversationIds).size).toBe(120);
    expect((await db.loadConversation('big-119'))[0]?.content.startsWith('119 x')).toBe(true);
  });

  it('says what to choose when the zip holds no conversations', async () => {
    const db = await openDb();
    const zip = zipSync({ 'notes.txt': strToU8('hello'), 'chat.html': strToU8('<html></html>') });
    await expectStorageError(importConversations(db, zip), 'import-failed', /holds no conversations.json/);
  });

  it('refuses a zip cut short, keeping the conversations read before the cut', async () => {
    const db = await openDb();
    const zip = chatgptSplitZip();
    await expectStorageError(
      importConversations(db, zip.subarray(0, Math.floor(zip.length * 0.6))),
      'import-failed',
      /the zip ends in the middle of conversations-001.json.*Download the export again/,
    );
    expect(await db.getConversation('conv-sales')).toBeDefined();
  });

  it('refuses a damaged entry with its name and keeps earlier conversations', async () => {
    const db = await openDb();
    const zip = zipSync({
      'conversations-000.json': strToU8(JSON.stringify([chatgpt[0]])),
      'conversations-001.json': strToU8(
        `[${JSON.stringify(chatgpt[1]).replace('"title":', '"title" oops:')}]`,
      ),
    });
    await expectStorageError(
      importConversations(db, zip),
      'import-failed',
      /conversations-001.json: entry 1/,
    );
    expect(await db.getConversation('conv-sales')).toBeDefined();
  });
});

describe('importing a file given as bytes', () => {
  it('reads a conversations.json File like its text', async () => {
    const db = await openDb();
    const file = new File([claude], 'conversations.json', { type: 'application/json' });
    const result = await importConversations(db, file);
    expect(result).toMatchObject({ format: 'claude', conversations: 2 });
    expect(result.files).toBeUndefined();
  });

  it('reads a list of AI SDK messages as one conversation, and a Chatkeep export a group of conversations at a time', async () => {
    const db = await openDb();
    const messages = [
      { id: 'u1', role: 'user', content: 'Hi' },
      { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hello' }] },
    ];
    const result = await importConversations(db, new TextEncoder().encode(JSON.stringify(messages)));
    expect(result).toMatchObject({ format: 'ai-sdk', conversations: 1, messages: 2 });
    const exported = await exportConversations(db, { format: 'json' });
    const other = await openDb();
    const back = await importConversations(other, new Blob([`\uFEFF${exported}`]));
    expect(back).toMatchObject({ format: 'chatkeep', conversations: 1, messages: 2 });
  });

  it('refuses bytes that are not JSON and says what was expected', async () => {
    const db = await openDb();
    await expectStorageError(
      importConversations(db, new Blob(['# Chat\n\nhello'])),
      'import-failed',
      /not valid JSON/,
    );
    await expectStorageError(importConversations(db, new Blob([''])), 'import-failed', /empty/);
    await expectStorageError(
      importConversations(db, new Blob(['[]'])),
      'import-failed',
      /holds no conversations/,
    );
  });
});
