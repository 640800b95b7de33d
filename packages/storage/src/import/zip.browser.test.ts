// A zip File imported into Chromium's real IndexedDB: the browser's own
// File.stream() feeds the unzip, as when a user picks an export.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { openBrowserDb } from '../indexeddb/test-support/browser-databases.js';
import chatgpt from './fixtures/chatgpt-conversations.json' with { type: 'json' };
import claude from './fixtures/claude-conversations.json' with { type: 'json' };
import { importConversations } from './index.js';

const open = () => openBrowserDb('zip-import');

describe('importing a zip File (Chromium)', () => {
  it("imports ChatGPT's split parts and Claude.ai's conversations from Files, twice without duplicates", async () => {
    const chatgptZip = new File(
      [
        zipSync({
          'chat.html': strToU8('<html></html>'),
          'conversations-000.json': strToU8(JSON.stringify([chatgpt[0]])),
          'conversations-001.json': strToU8(JSON.stringify([chatgpt[1]])),
        }) as Uint8Array<ArrayBuffer>,
      ],
      'chatgpt-export.zip',
      { type: 'application/zip' },
    );
    const claudeZip = new File(
      [zipSync({ 'conversations.json': strToU8(JSON.stringify(claude)) }) as Uint8Array<ArrayBuffer>],
      'claude-export.zip',
    );
    const db = await open();
    expect(await importConversations(db, chatgptZip)).toMatchObject({
      format: 'chatgpt',
      conversations: 2,
      files: ['conversations-000.json', 'conversations-001.json'],
    });
    expect(await importConversations(db, claudeZip)).toMatchObject({ format: 'claude', conversations: 2 });
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    await importConversations(db, chatgptZip);
    await importConversations(db, claudeZip);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
    expect((await db.getConversation('c1a0e4d2-0000-4000-8000-000000000001'))?.activeLeafId).toBe('m-h3');
  });
});
