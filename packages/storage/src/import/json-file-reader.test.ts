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
});
