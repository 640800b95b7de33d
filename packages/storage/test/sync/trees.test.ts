// Message trees across devices, against the real server: versions made
// offline on two devices all reach both, and random edits, regenerations,
// switches, forks and deletes end in the same trees everywhere, keeping
// every message no one deleted under the parent it was created with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../../src/errors.js';
import { subtreeIds } from '../../src/tree/index.js';
import type { Message, SyncableChatStorage } from '../../src/types.js';
import {
  ADAPTER_KINDS,
  type AdapterKind,
  type Device,
  newDeviceStore,
  openDevice,
} from './harness/devices.js';
import { useTestServer } from './harness/server.js';
import { deviceSnapshot, serverSnapshot, summaries } from './harness/snapshot.js';

const suite = useTestServer();

/** The adapters of each device: each kind alone, and both kinds together when both run. */
const PAIRINGS: AdapterKind[][] = [
  ...ADAPTER_KINDS.map((kind) => [kind, kind]),
  ...(ADAPTER_KINDS.length > 1 ? [[...ADAPTER_KINDS]] : []),
];

async function devices(kinds: AdapterKind[]): Promise<{ token: string; list: Device[] }> {
  const { token, userId } = await suite.server.signup();
  const list: Device[] = [];
  for (const [i, kind] of kinds.entries()) {
    const d = await openDevice(`${kind}${i}`, {
      serverUrl: suite.server.url,
      token,
      userId,
      store: newDeviceStore(kind),
    });
    suite.open.push(d);
    list.push(d);
  }
  return { token, list };
}

async function liveConversations(adapter: SyncableChatStorage) {
  const all = [];
  for (const p of await adapter.listProjects()) {
    all.push(...(await adapter.listConversations(p, { includeArchived: true })));
  }
  return all.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The branch each conversation shows, as ids: what the user sees. */
async function shownBranches(adapter: SyncableChatStorage): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of await liveConversations(adapter)) {
    out[c.id] = (await adapter.getMessages(c.id, { limit: 10_000 })).messages.map((m) => m.id);
  }
  return out;
}

/** Every device holds what the server holds, shows the same branches and derives the same summaries. */
async function expectSameTrees(token: string, list: Device[]) {
  const onServer = await serverSnapshot(suite.server.url, token);
  for (const d of list) {
    expect(await d.adapter.pendingChanges(1000), `${d.name} has pushed everything`).toEqual([]);
    expect(await deviceSnapshot(d.adapter), `${d.name} holds what the server holds`).toEqual(onServer);
  }
  const branches = await shownBranches(list[0]!.adapter);
  const sums = await summaries(list[0]!.adapter);
  for (const d of list.slice(1)) {
    expect(await shownBranches(d.adapter), `${d.name} shows the same branches`).toEqual(branches);
    expect(await summaries(d.adapter), `${d.name} has the same summaries`).toEqual(sums);
  }
  return onServer;
}

describe.each(PAIRINGS)('message trees across devices (%s and %s)', (...kinds) => {
  it('two devices that regenerate the same answer offline end with both versions on both', async () => {
    const { token, list } = await devices(kinds);
    const [a, b] = list as [Device, Device];
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'Story' });
    const base = { conversationId: c.id, projectId: 'p1' };
    await a.adapter.saveMessage({ ...base, id: 'ask', role: 'user', content: 'Tell me a long story' });
    await a.adapter.saveMessage({ ...base, id: 'story-1', role: 'assistant', content: 'Once upon a time' });
    await a.sync();
    await b.sync();

    a.network.setOnline(false);
    b.network.setOnline(false);
    await a.adapter.saveMessage({
      ...base,
      id: 'story-a',
      parentId: 'ask',
      role: 'assistant',
      content: 'On a',
    });
    await b.adapter.saveMessage({
      ...base,
      id: 'story-b',
      parentId: 'ask',
      role: 'assistant',
      content: 'On b',
    });
    // Each device keeps writing under its own version.
    await b.adapter.saveMessage({ ...base, id: 'more-b', role: 'user', content: 'Go on' });
    a.network.setOnline(true);
    b.network.setOnline(true);
    await a.sync();
    await b.sync();
    await a.sync();

    await expectSameTrees(token, list);
    for (const d of list) {
      const { versions } = await d.adapter.listVersions('story-1');
      expect(versions.map((m: Message) => m.id)).toEqual(['story-1', 'story-a', 'story-b']);
      expect((await d.adapter.loadConversation(c.id)).find((m) => m.id === 'more-b')?.parentId).toBe(
        'story-b',
      );
    }
    expect(await a.engine.listConflicts()).toEqual([]);
    expect(await b.engine.listConflicts()).toEqual([]);
  });

  it('a switch of version and a fork reach the other device', async () => {
    const { token, list } = await devices(kinds);
    const [a, b] = list as [Device, Device];
    const c = await a.adapter.createConversation({ projectId: 'p1', title: 'Versions' });
    const base = { conversationId: c.id, projectId: 'p1' };
    await a.adapter.saveMessage({ ...base, id: 'q', role: 'user', content: 'q' });
    await a.adapter.saveMessage({ ...base, id: 'v1', role: 'assistant', content: 'v1' });
    await a.adapter.saveMessage({ ...base, id: 'v2', parentId: 'q', role: 'assistant', content: 'v2' });
    await a.adapter.selectVersion(c.id, 'v1');
    const fork = await a.adapter.forkConversation(c.id, 'v1', { title: 'Fork' });
    await a.sync();
    await b.sync();
    await expectSameTrees(token, list);
    expect((await b.adapter.getMessages(c.id)).messages.map((m) => m.id)).toEqual(['q', 'v1']);
    expect(await b.adapter.getConversation(fork.id)).toMatchObject({
      title: 'Fork',
      forkedFrom: { conversationId: c.id, messageId: 'v1' },
      messageCount: 2,
    });
  });
});

// ---- property ---------------------------------------------------------------

type Command =
  | { op: 'append'; device: number; pick: number; text: string }
  | { op: 'regenerate' | 'edit'; device: number; pick: number; text: string }
  | { op: 'switch' | 'fork' | 'delete' | 'rewrite'; device: number; pick: number }
  | { op: 'offline' | 'online' | 'sync'; device: number };

const device = fc.nat({ max: 1 });
const pick = fc.nat({ max: 1000 });
const text = fc.string({ maxLength: 8 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('append' as const), device, pick, text }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constantFrom('regenerate', 'edit'), device, pick, text }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('switch' as const), device, pick }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('fork' as const), device, pick }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), device, pick }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('rewrite' as const), device, pick }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constantFrom('offline', 'online'), device }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('sync' as const), device }), weight: 3 },
) as fc.Arbitrary<Command>;

let sequence = 0;

/**
 * What the commands did, independent of sync: the parent each message was
 * created with (it never changes), and every message some device deleted
 * (with the subtree it held). A message no one deleted must end on every
 * device, under the parent it was created with.
 */
interface Model {
  parents: Map<string, string | null>;
  deleted: Set<string>;
}

async function allMessages(adapter: SyncableChatStorage): Promise<Message[]> {
  const all: Message[] = [];
  for (const c of await liveConversations(adapter)) all.push(...(await adapter.loadConversation(c.id)));
  return all;
}

async function run(d: Device, cmd: Command, model: Model): Promise<void> {
  const { adapter } = d;
  const nth = <T>(list: T[], i: number) => list[i % Math.max(1, list.length)];
  switch (cmd.op) {
    case 'append': {
      const c = nth(await liveConversations(adapter), cmd.pick);
      if (!c) return;
      const saved = await adapter.saveMessage({
        id: `m${++sequence}-${d.name}`,
        conversationId: c.id,
        projectId: c.projectId,
        role: 'user',
        content: cmd.text,
      });
      model.parents.set(saved.id, saved.parentId);
      return;
    }
    case 'regenerate':
    case 'edit': {
      const m = nth(await allMessages(adapter), cmd.pick);
      if (!m) return;
      const id = `v${++sequence}-${d.name}`;
      await adapter.saveMessage({
        id,
        conversationId: m.conversationId,
        projectId: m.projectId,
        parentId: m.parentId,
        role: cmd.op === 'edit' ? 'user' : 'assistant',
        content: cmd.text,
      });
      model.parents.set(id, m.parentId);
      return;
    }
    case 'switch': {
      const m = nth(await allMessages(adapter), cmd.pick);
      if (m) await adapter.selectVersion(m.conversationId, m.id);
      return;
    }
    case 'fork': {
      const m = nth(await allMessages(adapter), cmd.pick);
      if (!m) return;
      const fork = await adapter.forkConversation(m.conversationId, m.id);
      for (const copy of await adapter.loadConversation(fork.id)) model.parents.set(copy.id, copy.parentId);
      return;
    }
    case 'delete': {
      const m = nth(await allMessages(adapter), cmd.pick);
      if (!m) return;
      const held = await adapter.loadConversation(m.conversationId);
      for (const id of subtreeIds(held, m.id)) model.deleted.add(id);
      await adapter.deleteMessage(m.id);
      return;
    }
    case 'rewrite': {
      const m = nth(await allMessages(adapter), cmd.pick);
      if (m) await adapter.updateMessage(m.id, { content: `${m.content} (edited on ${d.name})` });
      return;
    }
    case 'offline':
      d.network.setOnline(false);
      return;
    case 'online':
      d.network.setOnline(true);
      return;
    case 'sync':
      await d.engine.syncNow();
      return;
  }
}

describe.each(PAIRINGS)('message tree convergence property (%s and %s)', (...kinds) => {
  it('random edits, regenerations, switches, forks and deletes on two devices end in the same trees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 30 }), async (commands) => {
        const { token, list } = await devices(kinds);
        try {
          // A shared conversation both devices hold before going offline.
          const [first] = list as [Device];
          const c = await first.adapter.createConversation({ projectId: 'p1', title: 'shared' });
          const model: Model = { parents: new Map(), deleted: new Set() };
          for (let i = 0; i < 3; i++) {
            const seed = await first.adapter.saveMessage({
              id: `seed-${c.id}-${i}`,
              conversationId: c.id,
              projectId: 'p1',
              role: i % 2 ? 'assistant' : 'user',
              content: `seed ${i}`,
            });
            model.parents.set(seed.id, seed.parentId);
          }
          for (const d of list) await d.sync();
          for (const d of list) d.network.setOnline(false);
          for (const cmd of commands) {
            try {
              await run(list[cmd.device % list.length]!, cmd, model);
            } catch (error) {
              // A message a sync just removed from under the command: nothing to check.
              if (!(error instanceof ChatStorageError && error.code === 'not-found')) throw error;
            }
          }
          for (const d of list) d.network.online = true;
          for (let round = 0; round < 2; round++) for (const d of list) await d.sync();
          const final = await expectSameTrees(token, list);
          for (const [id, parentId] of model.parents) {
            if (model.deleted.has(id)) continue;
            expect(final.messages[id]?.parentId, `message ${id}, deleted by no one, is kept`).toBe(parentId);
          }
          for (const m of Object.values(final.messages)) {
            expect(m.parentId, `message ${m.id} keeps its parent`).toBe(model.parents.get(m.id));
          }
        } finally {
          await Promise.all(list.map((d) => d.close()));
          suite.open.length = 0;
        }
      }),
      {
        numRuns: Number(process.env.CHATKEEP_SYNC_RUNS ?? 10),
        endOnFailure: true,
        ...(process.env.CHATKEEP_SYNC_SEED ? { seed: Number(process.env.CHATKEEP_SYNC_SEED) } : {}),
        ...(process.env.CHATKEEP_SYNC_PATH ? { path: process.env.CHATKEEP_SYNC_PATH } : {}),
      },
    );
  }, 300_000);
});
