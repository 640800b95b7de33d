// BENCHMARKS.md from a result: the table, then the dataset and the machine.

import type { Summary } from '../shared/stats.js';
import { type BenchResult, type Figure, meetsTarget, speedup } from './figures.js';

function num(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(s: Summary | undefined): string {
  return s ? `${num(s.median)} (${num(s.min)}–${num(s.max)})` : '—';
}

function ratio(figure: Figure, baseline: Summary | undefined): string {
  const r = speedup(figure, baseline);
  if (r === undefined) return '—';
  return `${cell(baseline)}; Chatkeep ${r >= 1 ? `${num(r)}× faster` : `${num(1 / r)}× slower`}`;
}

function target(figure: Figure): string {
  if (figure.target === undefined) return '—';
  const sign = figure.better === 'lower' ? '≤' : '≥';
  const met = meetsTarget(figure);
  return `${sign} ${num(figure.target)} ${met ? '✅ met' : '❌ missed'}`;
}

export function renderReport(result: BenchResult, findings: string): string {
  const { machine, dataset, spec } = result;
  const rows = result.figures.map(
    (f) =>
      `| ${f.id} | ${f.name} | ${f.unit} | **${cell(f.chatkeep)}** | ${target(f)} | ${ratio(f, f.dexie)} | ${ratio(f, f.legacy)} |`,
  );
  const notes = result.figures.filter((f) => f.note).map((f) => `- **${f.id}**: ${f.note}`);
  return `# Chatkeep benchmarks

Measured by \`bash scripts/bench.sh\` on ${result.date} (${result.scale} dataset, ${Math.round(result.durationSeconds)} s).
Each cell is the **median (min–max)** of ${medianRuns(result)} after a warm-up. Baselines run in the same
browser, on the same data and operations, in the same run, taking turns with Chatkeep run by run (who goes
first rotates); "faster" compares medians. Raw numbers:
\`bench/results/latest.json\`.

| | Figure | Unit | Chatkeep | Target | Dexie.js (same schema) | localStorage blob (legacy) |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${notes.join('\n')}

## Dataset

Seeded (seed ${spec.seed}), generated inside the page and in Node from the same code (\`bench/src/shared/dataset.ts\`):
${dataset.conversations.toLocaleString('en-US')} conversations, ${dataset.messages.toLocaleString('en-US')} messages
(${spec.conversations.toLocaleString('en-US')} conversations of about ${spec.meanMessages} messages, plus one of
${dataset.bigConversationMessages.toLocaleString('en-US')}), ${(dataset.contentBytes / 2 ** 20).toFixed(1)} MiB of text,
message text from ${dataset.minBytes} B to ${dataset.maxBytes.toLocaleString('en-US')} B (mean ${dataset.meanBytes} B),
${dataset.toolCalls.toLocaleString('en-US')} tool calls with their tool results.

## Machine

- CPU: ${machine.cpu}, ${machine.cores} cores; RAM ${machine.ramGB} GB; ${machine.os}
- Node ${machine.node}; Chromium ${machine.chromium} (headless, profile on disk)
- Load average at start: ${machine.loadAverageAtStart.join(', ')} (the machine is shared: compare ratios within one run)

## How each figure is measured

- **M1** \`getMessages(id, {limit: 50})\` on the 10,000-message conversation. Dexie: the same compound index, reverse,
  limit 51. Legacy: \`JSON.parse\` of the blob, filter, last 50.
- **M2** a freshly launched Chromium (same on-disk profile) navigates to the app served by
  \`node packages/sync-server/dist/main.js\`, with the long conversation open; time from navigation start to the
  \`chatkeep:first-message\` performance mark (or, without it, the frame after the first message row is added).
  The app paints the last view of the open conversation from a snapshot before its code runs
  (\`packages/ui/src/first-paint/\`) and sets the mark once that frame is on screen; the app's warm-up launch
  writes the snapshot, as a reader's earlier visit would. Each app tab stays open until the app's own view is
  painted (the \`chatkeep:app-messages\` mark, timed in the note) and the snapshot is written again. "Script
  fetched before the first paint" in the note: script files whose response ended before the mark, plus inline
  scripts (an upper bound of the code parsed by then).
  The baselines' databases are deleted first: a user's browser holds only Chatkeep's. The floor in the note is
  the same navigation to \`bench/src/page/floor.html\`, which has no app code: it opens the database, reads the
  same 50 messages with one request and paints them. The server serves it as a static file next to the app (the
  app's service worker does not answer it); the app and the floor take turns after one warm-up launch of each,
  each round led by the other one.
- **M2 warm browser** the same two pages, each in a new tab of one browser that stays running, after no tab of the
  site has been open for a few seconds (Chromium has closed the site's IndexedDB by then): a reader's everyday
  "open Chatkeep".
- **M3** \`listConversations\` (archived included) and the sidebar's \`groupConversations\`.
- **M4** a ${result.details.m4Chunks ?? ''}-chunk answer streamed into the long conversation: \`saveMessage\` (pending), then
  \`updateMessage\` with the whole text so far after every chunk, one at a time as the stream writer does; latency
  from the call to the committed transaction; p50 and p99 per run. Legacy: the history array rewritten to
  localStorage after every chunk.
- **Append** \`saveMessage\` of one new message (about 500 B) to the long conversation, one transaction with its
  summary and sync entry. Dexie: the same write in one transaction. Legacy: the blob read and \`JSON.parse\`d, the
  message pushed, \`JSON.stringify\` and \`setItem\` of the whole history, at several history sizes up to the
  largest that Chromium's localStorage quota holds.
- **M5** \`createSearchIndex\` over the whole database (built once, time reported below), then ten queries (common and
  rare words, two-word AND, prefix, a typo); p50 per run.
- **M6** \`importConversations\` of a Chatkeep JSON export (made by \`exportConversations\`) into an empty database.
  Dexie: parse, validate, one transaction per conversation, the same indexes (the message tree's children index
  too). Legacy: parse, one blob rewrite per conversation.
- **M6 ChatGPT** \`importConversations\` of a ChatGPT \`conversations.json\` of about 20,000 messages made from the
  dataset's generator (\`bench/src/shared/chatgpt-export.ts\`: hidden system nodes, code and its output, reasoning
  before every 7th answer, a regenerated answer every 10th) into an empty database, report included. Dexie: the
  same \`importConversations\` (same reader, same records) saving into Dexie with the same indexes, one transaction
  per conversation. Who goes first alternates.
- **M7** the app with the long conversation open, scrolled to the top until every page is loaded; V8 heap in use
  after a forced GC (CDP \`Runtime.getHeapUsage\`). One run.
- **Push / pull**: over HTTP on loopback, SQLite store: push of the first ${result.details.pushSample ?? ''} changes
  (500 per request, a new account per run); pull of the whole dataset, 1,000 per page. **PushPg / PullPg**: the
  same against one server instance on PostgreSQL (\`CHATKEEP_DATABASE_URL\`, a fresh database on the local server),
  in the same run. **PushPg3 / PullPg3**: three server processes on one fresh PostgreSQL database; three pushers at
  once, each on its own account and instance, each sending the same sample (rate = all changes / wall time); then
  each account pulled through another instance than the one it was pushed to, all three at once.
- **EventLatency**: the same three processes; 100 \`/v1/sync/events\` streams (10 users, 10 streams each, half on
  instance B, half on C), one-change pushes on instance A one at a time; time from the push's answer to the
  \`event: change\` on every stream of its user (negative when the event beats the answer). 50 pushes (500
  events) a run, one warm-up run; p50/p99 per run. **IdleStreams**: two processes on one PostgreSQL database; the 100 users sign up
  through the first, and the figure is the second's RSS (\`/proc/<pid>/status\` VmRSS) 6 s after opening 1,000 event
  streams on it, beside its RSS before they opened (password hashing leaves memory with the process that hashed).
- **SyncLatency**: two devices in one page (two IndexedDB databases, each with its own engine, live events on,
  one account) against the server on loopback; time from \`saveMessage\` of a finished message on A to B's change
  feed reporting it committed by a pull, one message at a time with 50–150 ms between them, after 5 not counted;
  p50 over the run, and p95 in its own row (\`bench/src/page/sync-latency.ts\`).
- **Fresh device** (Sync sidebar, Sync open, Sync backfill, Sync long tasks): \`createSyncEngine\` signed in
  against the server (protocol 1.1) with an empty IndexedDB database, until \`synced\` with the history
  downloaded: the conversation list first, the pull from its snapshot, then every conversation's messages.
  *Sidebar*: from start to \`listConversations\` returning all of them (read after each write, as the app's
  queries are) and a frame painted. *Open*: at 25%, 50% and 75% of the download a conversation still queued
  is opened (the one the download would reach last; at 50% the 10,000-message one while still queued):
  \`prioritize\`, then time until \`getMessages(id, {limit: 50})\` reads its latest page (50 messages, or the
  whole branch) and a frame painted. *Backfill*: the whole sync's time divided by the write floor's in the
  same run. *Long tasks*: the page's \`longtask\` entries over 200 ms from start to the end of the download.
  Each run has an origin of its own (\`dev-<n>.localhost\`, on loopback) and so empty site storage, as a new
  device has; no earlier run's database is deleted under it (all are deleted after the last run). One
  warm-up sync is not counted. Runs alternate with the write floor: the same records and sync entries
  written with plain IndexedDB puts, 1,000 per transaction, nothing read or checked, into a database made by
  Chatkeep's own open code, each in an origin of its own too. The raw JSON (\`details.sync\`) holds every run
  in order with the time spent applying and fetching, the conversations opened, the long tasks, and the CPU
  the browser and the rest of the machine used meanwhile.

## Findings

${findings}
`;
}

function medianRuns(result: BenchResult): string {
  const counts = [...new Set(result.figures.map((f) => f.chatkeep.runs))].sort((a, b) => a - b);
  return counts.length === 1 ? `${counts[0]} runs` : `${counts[0]}–${counts.at(-1)} runs`;
}
