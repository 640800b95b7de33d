// M1 (the latest page of the long conversation) and M3 (the grouped sidebar).
import type { Message } from '@chatkeep/storage';
import { groupConversations } from '../../../packages/ui/src/sidebar/grouping.js';
import { bigConversationIndex, generateConversation } from '../shared/dataset.js';
import { context, pause } from './context.js';
import { LegacyBlob } from './legacy-baseline.js';

const PAGE = 50;

export interface SystemSamples {
  chatkeep: number[];
  dexie: number[];
  legacy?: number[];
  /** Messages the legacy blob could hold (localStorage quota). */
  legacyMessages?: number;
}

/** `op` as an operation that resolves to how long it took, in ms. */
export function timed(op: () => Promise<unknown> | unknown): () => Promise<number> {
  return async () => {
    const t = performance.now();
    await op();
    return performance.now() - t;
  };
}

/**
 * Runs each system's operation once to warm up, then `runs` rounds of all of
 * them. Turns rotate (who goes first moves along each round), so no system
 * always runs right after another's writes or while the database settles
 * from the dataset load: slow phases of the browser's storage land on all
 * systems alike.
 */
export async function inTurns<K extends string, T>(
  runs: number,
  ops: Record<K, () => Promise<T>>,
): Promise<Record<K, T[]>> {
  const names = Object.keys(ops) as K[];
  for (const name of names) await ops[name]();
  const out = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < runs; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(round + turn) % names.length] as K;
      await pause();
      out[name].push(await ops[name]());
    }
  }
  return out;
}

/** Times `op` once to warm up, then `runs` times. */
export async function sample(runs: number, op: () => Promise<unknown> | unknown): Promise<number[]> {
  return (await inTurns(runs, { op: timed(op) })).op;
}

function expectPage(messages: Message[], expected: number, system: string): void {
  if (messages.length !== expected)
    throw new Error(`${system} returned ${messages.length} messages, expected ${expected}`);
}

/** The long conversation's messages, in the legacy blob (as many as its quota allows). */
export function fillLegacy(): { legacy: LegacyBlob; fitted: number } {
  const { spec } = context();
  const legacy = new LegacyBlob();
  legacy.clear();
  const { messages } = generateConversation(spec, bigConversationIndex(spec));
  return { legacy, fitted: legacy.fill(messages) };
}

export async function m1LatestPage(runs: number): Promise<SystemSamples> {
  const { chatkeep, dexie, bigConversationId } = context();
  const { chatkeep: chatkeepRuns, dexie: dexieRuns } = await inTurns(runs, {
    chatkeep: timed(async () => {
      const page = await chatkeep.getMessages(bigConversationId, { limit: PAGE });
      expectPage(page.messages, PAGE, 'Chatkeep');
    }),
    dexie: timed(async () => {
      const page = await dexie.getMessages(bigConversationId, PAGE);
      expectPage(page.messages, PAGE, 'Dexie');
    }),
  });
  const { legacy, fitted } = fillLegacy();
  const legacyRuns = await sample(runs, () => {
    expectPage(legacy.getMessages(bigConversationId, PAGE), Math.min(PAGE, fitted), 'localStorage blob');
  });
  legacy.clear();
  return { chatkeep: chatkeepRuns, dexie: dexieRuns, legacy: legacyRuns, legacyMessages: fitted };
}

export async function m3Sidebar(runs: number): Promise<SystemSamples & { groups: Record<string, number> }> {
  const { chatkeep, dexie, spec } = context();
  let groups: Record<string, number> = {};
  const { chatkeep: chatkeepRuns, dexie: dexieRuns } = await inTurns(runs, {
    chatkeep: timed(async () => {
      const list = await chatkeep.listConversations(spec.projectId, { includeArchived: true });
      const grouped = groupConversations(list, spec.anchor);
      groups = Object.fromEntries(grouped.map((g) => [g.name, g.conversations.length]));
    }),
    dexie: timed(async () => {
      groupConversations(await dexie.listConversations(spec.projectId), spec.anchor);
    }),
  });
  const total = Object.values(groups).reduce((a, b) => a + b, 0);
  const expected = spec.conversations + (spec.bigMessages > 0 ? 1 : 0);
  if (total !== expected) throw new Error(`the sidebar grouped ${total} conversations, expected ${expected}`);
  return { chatkeep: chatkeepRuns, dexie: dexieRuns, groups };
}
