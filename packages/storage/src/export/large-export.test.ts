// A large history exports in bounded memory: only one page of messages is
// held at a time. The test runs 20,000 messages; set
// CHATKEEP_EXPORT_MESSAGES=100000 to measure the full figure.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { exportConversationsStream } from './index.js';
import { conversationWith, openDb } from './test-support/databases.js';

const TOTAL = Number(process.env.CHATKEEP_EXPORT_MESSAGES ?? 20_000);
const PER_CONVERSATION = 2000;
const BODY = 'lorem ipsum dolor sit amet '.repeat(40); // about 1 KB per message
const MB = 1024 * 1024;

// Live memory is what matters, so garbage is collected before each reading.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('large export', () => {
  it(`exports ${TOTAL} messages page by page without holding them all in memory`, {
    timeout: 600_000,
  }, async () => {
    const db = await openDb();
    const seeding = performance.now();
    for (let c = 0; c * PER_CONVERSATION < TOTAL; c++) {
      const texts = Array.from(
        { length: Math.min(PER_CONVERSATION, TOTAL - c * PER_CONVERSATION) },
        (_, i) => `${i} ${BODY}`,
      );
      const { conversation, messages } = conversationWith(`big-${c}`, texts);
      await db.saveConversation(conversation, messages);
    }

    console.log(`seeded ${TOTAL} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    for (const format of ['json', 'markdown'] as const) {
      const before = heap();
      let peak = 0;
      let bytes = 0;
      let chunks = 0;
      const started = performance.now();
      for await (const chunk of exportConversationsStream(db, { format, pageSize: 500 })) {
        bytes += chunk.length;
        chunks += 1;
        if (chunks % 10 === 0) peak = Math.max(peak, heap() - before);
      }
      const seconds = (performance.now() - started) / 1000;
      const growth = peak;
      console.log(
        `${format}: ${TOTAL} messages, ${(bytes / MB).toFixed(1)} MB of text in ${chunks} chunks, ${seconds.toFixed(1)} s, heap growth ${(growth / MB).toFixed(1)} MB`,
      );
      // Holding every message at once would take about the size of the text; a page is ~1/40 of it.
      expect(bytes).toBeGreaterThan(TOTAL * 1000);
      expect(growth).toBeLessThan(bytes / 3);
    }
  });
});
