// The "append one message to a 10,000-message history" figure. The legacy
// blob cannot hold that history in Chromium's localStorage quota, so its
// cell is the largest history it holds, and the note says what that means.
import type { AppendRuns } from '../page/append.js';
import { type Summary, summarize } from '../shared/stats.js';
import type { Figure } from './figures.js';

function ms(s: Summary): string {
  return s.median >= 10 ? s.median.toFixed(1) : s.median.toFixed(2);
}

export function appendFigure(runs: AppendRuns, bigMessages: number): Figure {
  const bySize = runs.legacy.map((l) => ({ messages: l.messages, summary: summarize(l.runs) }));
  const largest = bySize[bySize.length - 1]!;
  const chatkeep = summarize(runs.chatkeep);
  const sizes = bySize.map((l) => `${l.messages.toLocaleString('en-US')}: ${ms(l.summary)} ms`).join(', ');
  const history = `${bigMessages.toLocaleString('en-US')}-message history`;
  const note =
    largest.messages >= bigMessages
      ? `every system appends to the ${history}; blob by size: ${sizes}`
      : `Chatkeep and Dexie append to the ${history} (${runs.historyMessages.toLocaleString('en-US')} messages by then); ` +
        `the localStorage blob holds at most ${largest.messages.toLocaleString('en-US')} of them (quota), so its cell is at that size ` +
        `(by size: ${sizes}). Its cost grows with the history, so the ratio to Chatkeep is a lower bound ` +
        `of the ratio at ${bigMessages.toLocaleString('en-US')} messages.`;
  return {
    id: 'Append',
    name: `Append one message to a ${history}`,
    unit: 'ms',
    better: 'lower',
    chatkeep,
    dexie: summarize(runs.dexie),
    legacy: largest.summary,
    note,
  };
}
