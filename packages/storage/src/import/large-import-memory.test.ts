// A large export file is read in bounded memory: its conversations are parsed
// a group of a few megabytes at a time and each group is handed on (and then
// dropped) before more is read, for ChatGPT's array and for a Chatkeep
// export's object alike. The file here is generated piece by piece and never
// held whole, as a File read through its stream is not. 60 MB by default;
// set CHATKEEP_IMPORT_FILE_MB=200 for the figure.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JsonFileReader } from './json-file-reader.js';

const MB = 1024 * 1024;
const FILE_MB = Number(process.env.CHATKEEP_IMPORT_FILE_MB ?? 60);
const TEXT = 'lorem ipsum dolor sit amet, '.repeat(36); // about 1 KB

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** A conversation of about 100 KB, as JSON text. */
function conversation(i: number, chatkeep: boolean): string {
  const messages = Array.from({ length: 100 }, (_, j) =>
    chatkeep
      ? { id: `c${i}-m${j}`, conversationId: `c${i}`, role: 'user', content: `${j} ${TEXT}` }
      : { id: `c${i}-m${j}`, message: { content: { content_type: 'text', parts: [`${j} ${TEXT}`] } } },
  );
  return JSON.stringify(chatkeep ? { id: `c${i}`, messages } : { id: `c${i}`, mapping: messages });
}

/** The file in pieces of about 1 MB: a ChatGPT array, or a Chatkeep export object. */
function* file(chatkeep: boolean): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  let piece = chatkeep
    ? '{"format":"chatkeep","version":2,"exportedAt":"2025-01-01T00:00:00Z","conversations":['
    : '[';
  let bytes = 0;
  for (let i = 0; bytes < FILE_MB * MB; i++) {
    piece += `${i > 0 ? ',' : ''}${conversation(i, chatkeep)}`;
    if (piece.length >= MB) {
      bytes += piece.length;
      yield encoder.encode(piece);
      piece = '';
    }
  }
  yield encoder.encode(`${piece}]${chatkeep ? '}' : ''}`);
}

describe('large import file', () => {
  for (const kind of ['ChatGPT', 'Chatkeep'] as const) {
    it(`reads a ${FILE_MB} MB ${kind} export a group at a time, its memory bounded by a group, not the file`, {
      timeout: 300_000,
    }, async () => {
      let conversations = 0;
      let groups = 0;
      const before = heap();
      let peak = 0;
      const reader = new JsonFileReader('big.json', async (data) => {
        // What the import holds at its fullest: the group's parsed conversations.
        peak = Math.max(peak, heap() - before);
        const list = Array.isArray(data) ? data : (data as { conversations: unknown[] }).conversations;
        conversations += list.length;
        groups += 1;
      });
      let bytes = 0;
      for (const piece of file(kind === 'Chatkeep')) {
        bytes += piece.length;
        reader.push(piece);
        await reader.drain();
      }
      await reader.end();
      console.log(
        `${kind}: ${(bytes / MB).toFixed(0)} MB, ${conversations} conversations in ${groups} groups, peak heap growth ${(peak / MB).toFixed(1)} MB`,
      );
      expect(groups).toBeGreaterThan(5);
      expect(conversations).toBeGreaterThan(500);
      // A group is about 8 MB of text; its objects take a few times that. The file is 60 MB or more.
      expect(peak).toBeLessThan(80 * MB);
    });
  }
});
