// The benchmark dataset: conversations of varied length (message text from
// 10 bytes to 20 KB, about 500 bytes on average, some tool calls) plus one
// very long conversation. Fully determined by its spec: every conversation
// is generated from its own seed, in Node and in the browser alike.
import type { Message, SyncedConversation } from '@chatkeep/storage';
import { childSeed, type Random, seededRandom } from './random.js';

export interface DatasetSpec {
  seed: number;
  projectId: string;
  /** Ordinary conversations (about `meanMessages` messages each). */
  conversations: number;
  meanMessages: number;
  /** Messages of the one long conversation (0 for none). */
  bigMessages: number;
  /** "Now" for the dataset's clock: every time is before it. */
  anchor: number;
}

export const FULL_DATASET: DatasetSpec = {
  seed: 20_260_101,
  projectId: 'default',
  conversations: 1000,
  meanMessages: 100,
  bigMessages: 10_000,
  anchor: Date.UTC(2026, 0, 1),
};

export const SMOKE_DATASET: DatasetSpec = {
  ...FULL_DATASET,
  conversations: 20,
  meanMessages: 30,
  bigMessages: 300,
};

/** A second, disjoint set of conversations (other seed, other ids) for the import figure. */
export function importSpec(spec: DatasetSpec, conversations: number): DatasetSpec {
  return { ...spec, seed: spec.seed + 7, conversations, bigMessages: 0 };
}

export interface GeneratedConversation {
  conversation: SyncedConversation;
  messages: Message[];
}

const MIN_BYTES = 10;
const MAX_BYTES = 20_000;
const DAY = 86_400_000;

const COMMON = (
  'the a to of and in is it you that for on with this be can as are not your use if or by from an at ' +
  'we have will but what so which do one all there would when more should its need like just how then'
).split(' ');

const TOPICS = (
  'database index query schema migration invoice budget recipe garden travel itinerary python ' +
  'typescript react component render hook state cache network latency throughput benchmark server ' +
  'client token password encryption backup restore export import markdown table chart report ' +
  'meeting agenda summary email draft review feedback design layout color font accessibility ' +
  'keyboard shortcut search filter sort pagination cursor stream buffer queue worker thread ' +
  'memory heap profile trace error exception retry timeout deploy docker kubernetes cluster ' +
  'storage quota browser offline sync conflict version history conversation message assistant ' +
  'model prompt context window embedding vector similarity ranking relevance snippet highlight ' +
  'contract invoice tax receipt salary mortgage insurance vacation flight hotel museum concert ' +
  'symphony guitar piano painting sculpture novel poem chapter outline thesis experiment'
).split(' ');

const TOOLS = ['search_web', 'run_code', 'read_file', 'get_weather', 'query_database'] as const;

/**
 * Words in Zipf-like frequency (a few very common, a long tail of rare ones),
 * as a lookup table indexed by a uniform draw: one array read per word.
 */
function buildVocabulary(): { words: string[]; capitalized: string[]; table: Uint16Array } {
  const rnd = seededRandom(1);
  const syllables = 'ka lo mi ra ten vor sul pin dra quo fel zan bri cor mus tal nev orb sim pha'.split(' ');
  const words = [...COMMON, ...TOPICS];
  const seen = new Set(words);
  while (words.length < 4000) {
    const n = rnd.int(2, 4);
    let w = '';
    for (let i = 0; i < n; i++) w += rnd.pick(syllables);
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const weights = words.map((_, r) => 1 / (r + 1) ** 1.05);
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint16Array(TABLE_SIZE);
  let slot = 0;
  let cumulative = 0;
  for (let r = 0; r < words.length; r++) {
    cumulative += weights[r]! / total;
    const end = r === words.length - 1 ? TABLE_SIZE : Math.round(cumulative * TABLE_SIZE);
    // Every word gets at least one slot, so the rarest still occur.
    const stop = Math.max(end, slot + 1);
    while (slot < stop && slot < TABLE_SIZE) table[slot++] = r;
  }
  return { words, capitalized: words.map((w) => w[0]!.toUpperCase() + w.slice(1)), table };
}

const TABLE_SIZE = 1 << 16;
const VOCABULARY = buildVocabulary();

/** ASCII text of exactly `bytes` bytes, in sentences. */
function text(rnd: Random, bytes: number): string {
  const { words, capitalized, table } = VOCABULARY;
  let out = '';
  let sentence = 0;
  while (out.length < bytes) {
    const r = table[Math.floor(rnd.next() * TABLE_SIZE)]!;
    out += sentence === 0 ? capitalized[r]! : words[r]!;
    sentence += 1;
    if (sentence > 6 && rnd.next() < 0.15) {
      out += '. ';
      sentence = 0;
    } else out += ' ';
  }
  return out.length > bytes ? out.slice(0, bytes) : out;
}

/** Message sizes: log-normal around ~500 bytes, clamped to 10 B - 20 KB, with rare pasted documents. */
function messageBytes(rnd: Random, role: 'user' | 'assistant'): number {
  if (rnd.next() < 0.002) return rnd.int(10_000, MAX_BYTES);
  const mu = role === 'user' ? 5.2 : 6.05;
  const size = Math.round(Math.exp(mu + 1.0 * rnd.normal()));
  return Math.min(MAX_BYTES, Math.max(MIN_BYTES, size));
}

/** A UUIDv7-shaped id (time-sortable) whose random bits come from `rnd`. */
export function uuidv7(ms: number, rnd: Random): string {
  const time = ms.toString(16).padStart(12, '0');
  // 0x1000000 + n keeps leading zeros: its hex form is '1' followed by 6 digits.
  const r24 = () => (0x1000000 + Math.floor(rnd.next() * 0x1000000)).toString(16).slice(1);
  const a = r24();
  const b = r24();
  const c = r24();
  const variant = (8 + Math.floor(rnd.next() * 4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${a.slice(0, 3)}-${variant}${a.slice(3, 6)}-${b}${c}`;
}

/** Conversation `index` of the dataset; `index === spec.conversations` is the long one. */
export function generateConversation(spec: DatasetSpec, index: number): GeneratedConversation {
  const big = index === spec.conversations;
  const rnd = seededRandom(childSeed(spec.seed, index));
  const count = big
    ? spec.bigMessages
    : rnd.int(Math.round(spec.meanMessages * 0.2), Math.round(spec.meanMessages * 1.8));
  // Recent conversations are more common; the long one is the most recent.
  const last = big
    ? spec.anchor - 3_600_000
    : spec.anchor - Math.floor(rnd.next() ** 2 * 120 * DAY) - 7_200_000;
  const gap = big ? Math.floor((60 * DAY) / Math.max(1, count)) : rnd.int(20_000, 90_000);
  const first = last - gap * Math.max(0, count - 1);
  const conversationId = uuidv7(first, rnd);
  const { projectId } = spec;

  const messages: Message[] = [];
  let at = first;
  let role: 'user' | 'assistant' = 'user';
  while (messages.length < count) {
    // parentId is set once the list is complete: each message follows the one before it.
    const base = { conversationId, projectId, status: 'complete' as const, parentId: null };
    const room = count - messages.length;
    if (role === 'assistant' && room >= 3 && rnd.next() < 0.06) {
      const callId = `call_${rnd.int(0, 1e9).toString(36)}`;
      const toolName = rnd.pick(TOOLS);
      messages.push({
        ...base,
        id: uuidv7(at, rnd),
        role: 'assistant',
        content: text(rnd, rnd.int(10, 120)),
        toolCalls: [
          { id: callId, name: toolName, arguments: { query: text(rnd, rnd.int(10, 60)), limit: 5 } },
        ],
        metadata: { model: 'bench-model-1' },
        createdAt: at,
        updatedAt: at,
      });
      at += 1000;
      messages.push({
        ...base,
        id: uuidv7(at, rnd),
        role: 'tool',
        content: text(rnd, rnd.int(40, 400)),
        toolCallId: callId,
        toolName,
        toolResult: { ok: true, items: [text(rnd, 30), text(rnd, 30)], took: rnd.int(5, 900) },
        createdAt: at,
        updatedAt: at,
      });
      at += 1000;
    }
    const content = text(rnd, messageBytes(rnd, role));
    const message: Message = { ...base, id: uuidv7(at, rnd), role, content, createdAt: at, updatedAt: at };
    if (role === 'assistant') {
      message.metadata = {
        model: 'bench-model-1',
        tokens: { input: rnd.int(10, 4000), output: Math.ceil(content.length / 4) },
      };
    }
    messages.push(message);
    role = role === 'user' ? 'assistant' : 'user';
    at += gap;
  }
  messages.length = count;
  for (let i = 1; i < messages.length; i++) messages[i]!.parentId = messages[i - 1]!.id;

  const updatedAt = messages.at(-1)?.updatedAt ?? first;
  const conversation: SyncedConversation = {
    id: conversationId,
    projectId,
    title: big ? 'The long one: ten thousand messages' : text(rnd, rnd.int(12, 60)).trim(),
    createdAt: first,
    updatedAt,
    archived: !big && rnd.next() < 0.03,
    pinned: !big && rnd.next() < 0.01,
    tags: rnd.next() < 0.1 ? [rnd.pick(TOPICS)] : [],
  };
  return { conversation, messages };
}

/** Every conversation of the dataset, the long one last. */
export function* conversationsOf(spec: DatasetSpec): Generator<GeneratedConversation> {
  const total = spec.conversations + (spec.bigMessages > 0 ? 1 : 0);
  for (let i = 0; i < total; i++) yield generateConversation(spec, i);
}

export function bigConversationIndex(spec: DatasetSpec): number {
  return spec.conversations;
}

/** Search queries of varied selectivity: frequent and rare words, two-word AND, a prefix, a typo. */
export function searchQueries(): string[] {
  return [
    'database',
    'invoice',
    'symphony',
    'latency throughput',
    'conflict version',
    'encrypt',
    'pagination cursor',
    'accesibility',
    'kubernetes cluster',
    'museum',
  ];
}

export interface DatasetStats {
  conversations: number;
  messages: number;
  bigConversationMessages: number;
  contentBytes: number;
  meanBytes: number;
  minBytes: number;
  maxBytes: number;
  toolCalls: number;
}

export function datasetStats(spec: DatasetSpec): DatasetStats {
  const stats: DatasetStats = {
    conversations: 0,
    messages: 0,
    bigConversationMessages: spec.bigMessages,
    contentBytes: 0,
    meanBytes: 0,
    minBytes: Number.POSITIVE_INFINITY,
    maxBytes: 0,
    toolCalls: 0,
  };
  for (const { messages } of conversationsOf(spec)) {
    stats.conversations += 1;
    for (const m of messages) {
      stats.messages += 1;
      stats.contentBytes += m.content.length;
      stats.minBytes = Math.min(stats.minBytes, m.content.length);
      stats.maxBytes = Math.max(stats.maxBytes, m.content.length);
      stats.toolCalls += m.toolCalls?.length ?? 0;
    }
  }
  stats.meanBytes = Math.round(stats.contentBytes / Math.max(1, stats.messages));
  return stats;
}
