// M1 (the latest page of the long conversation) and M3 (the grouped sidebar).
import type { Message } from '@chatkeep/storage';
import { groupConversations } from '../../../packages/ui/src/chat/grouping.js';
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

/** Times `op` once to warm up, then `runs` times. */
export async function sample(runs: number, op: () => Promise<unknown> | unknown): Promise<number[]> {
  await op();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    await pause();
    const t = performance.now();
    await op();
    out.push(performance.now() - t);
  }
  return out;
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
  const chatkeepRuns = await sample(runs, async () => {
    const page = await chatkeep.getMessages(bigConversationId, { limit: PAGE });
    expectPage(page.messages, PAGE, 'Chatkeep');
  });
  const dexieRuns = await sample(runs, async () => {
    const page = await dexie.getMessages(bigConversationId, PAGE);
    expectPage(page.messages, PAGE, 'Dexie');
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
  const chatkeepRuns = await sample(runs, async () => {
    const list = await chatkeep.listConversations(spec.projectId, { includeArchived: true });
    const grouped = groupConversations(list, spec.anchor);
    groups = Object.fromEntries(grouped.map((g) => [g.name, g.conversations.length]));
  });
  const dexieRuns = await sample(runs, async () => {
    groupConversations(await dexie.listConversations(spec.projectId), spec.anchor);
  });
  const total = Object.values(groups).reduce((a, b) => a + b, 0);
  const expected = spec.conversations + (spec.bigMessages > 0 ? 1 : 0);
  if (total !== expected) throw new Error(`the sidebar grouped ${total} conversations, expected ${expected}`);
  return { chatkeep: chatkeepRuns, dexie: dexieRuns, groups };
}
