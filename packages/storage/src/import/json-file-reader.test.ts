import { describe, expect, it } from 'vitest';
import { JsonFileReader } from './json-file-reader.js';

const encoder = new TextEncoder();

/** Pushes `text` in pieces of `size` bytes, draining after each as the import does, and returns what the sink got. */
async function read(text: string, size = 1 << 20): Promise<unknown[]> {
  const received: unknown[] = [];
  const reader = new JsonFileReader('test.json', async (data) => {
    received.push(data);
  });
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length; at += size) {
    reader.push(bytes.subarray(at, at + size));
    await reader.drain();
  }
  await reader.end();
  return received;
}

describe('reading a JSON file that arrives in pieces', () => {
  const conversations = Array.from({ length: 40 }, (_, i) => ({
    id: `c${i}`,
    mapping: {},
    text: 'x'.repeat(500_000),
  }));

  it('hands a long list of conversations on in groups of a few megabytes, each once, in order', async () => {
    const groups = (await read(JSON.stringify(conversations))) as { id: string }[][];
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.flat().map((c) => c.id)).toEqual(conversations.map((c) => c.id));
  });

  it('hands a list of chat messages on whole: it is one conversation', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({
      id: `m${i}`,
      role: 'user',
      content: 'y'.repeat(500_000),
    }));
    const groups = await read(JSON.stringify(messages));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toEqual(messages);
  });

  it('hands an object (a Chatkeep export) on whole, whitespace and byte order mark before it', async () => {
    expect(await read('\uFEFF \n{"format": "chatkeep", "conversations": []}', 3)).toEqual([
      { format: 'chatkeep', conversations: [] },
    ]);
  });

  it('reads a Chatkeep export a group of conversations at a time, each group with the header', async () => {
    const file = {
      format: 'chatkeep',
      version: 2,
      exportedAt: '2025-01-31T12:00:00.000Z',
      conversations: conversations.map((c) => ({ id: c.id, title: '{"[', messages: [{ text: c.text }] })),
    };
    for (const size of [1 << 20, 65_521]) {
      const groups = (await read(`\uFEFF${JSON.stringify(file, null, 1)}`, size)) as (typeof file)[];
      expect(groups.length).toBeGreaterThan(2);
      for (const group of groups) {
        expect(group).toMatchObject({ format: 'chatkeep', version: 2, exportedAt: file.exportedAt });
      }
      expect(groups.flatMap((g) => g.conversations.map((c) => c.id))).toEqual(conversations.map((c) => c.id));
    }
  });

  it('reads fields after the list, and refuses a Chatkeep export cut short or with text after it', async () => {
    const groups = await read('{"format":"chatkeep","version":2,"conversations":[{"id":"a"}],"note":"x"}', 5);
    expect(groups).toEqual([{ format: 'chatkeep', version: 2, conversations: [{ id: 'a' }] }]);
    await expect(read('{"format":"chatkeep","version":2,"conversations":[{"id":"a"}]')).rejects.toThrow(
      'test.json: the file ends before its closing "}": it may be cut short',
    );
    await expect(read('{"format":"chatkeep","version":2,"conversations":[{"id":"a"}]} x')).rejects.toThrow(
      'unexpected text after the list of conversations',
    );
  });

  it('hands any other object on whole, even one with a "conversations" list or key text inside strings', async () => {
    const other = { format: 'elsewhere', conversations: [{ id: 'a' }] };
    expect(await read(JSON.stringify(other), 4)).toEqual([other]);
    const nested = { chat: { conversations: [1] }, title: '"conversations":[' };
    expect(await read(JSON.stringify(nested), 4)).toEqual([nested]);
  });
});
