import { describe, expect, it } from 'vitest';
import type { ServerRecordChange, SyncSource } from '../types.js';
import type { PullResponse, SyncClient } from './http.js';
import { pullChanges } from './pull.js';

/** A server holding `total` changes, served `limit` at a time; cursors are the last version sent. */
function fakeServer(total: number) {
  const requests: (string | undefined)[] = [];
  const change = (version: number): ServerRecordChange => ({
    kind: 'conversation',
    id: `c${version}`,
    projectId: 'p1',
    hlc: `${String(version).padStart(15, '0')}:00000:server`,
    deleted: false,
    data: null,
    version,
  });
  const client = {
    pull: async (_token: string, since: string | undefined, limit: number): Promise<PullResponse> => {
      requests.push(since);
      const from = Number(since ?? '0');
      const to = Math.min(total, from + limit);
      const changes = Array.from({ length: to - from }, (_, i) => change(from + i + 1));
      return { changes, cursor: String(to), hasMore: to < total };
    },
  } as unknown as SyncClient;
  return { client, requests };
}

/** An adapter that stores each page and its cursor together, like one transaction. */
function fakeAdapter(opts: { failOnPage?: number; events?: string[]; hold?: Promise<void> } = {}) {
  let cursor: string | undefined;
  const versions: number[] = [];
  let calls = 0;
  const adapter = {
    getCursor: async () => cursor,
    applyRemote: async (changes: ServerRecordChange[], next?: string) => {
      calls += 1;
      opts.events?.push(`apply ${next} start`);
      await opts.hold;
      if (calls === opts.failOnPage) throw new Error('disk full');
      versions.push(...changes.map((c) => c.version));
      cursor = next;
      opts.events?.push(`apply ${next} done`);
      return { applied: changes.length, conflicts: 0 };
    },
  } as unknown as SyncSource;
  return { adapter, versions, cursor: () => cursor };
}

describe('pullChanges', () => {
  it('requests the next page while the current one is applied', async () => {
    const events: string[] = [];
    const server = fakeServer(25);
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { adapter, versions } = fakeAdapter({ events, hold });
    const pull = server.client.pull.bind(server.client);
    server.client.pull = (token, since, limit) => {
      events.push(`pull ${since ?? 'start'}`);
      return pull(token, since, limit);
    };
    const done = pullChanges({
      adapter,
      client: server.client,
      token: 't',
      limit: 10,
      shouldContinue: () => true,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Page 1 is being applied (held) and page 2 is already asked for.
    expect(events).toEqual(['pull start', 'pull 10', 'apply 10 start']);
    release();
    const outcome = await done;
    expect(outcome).toEqual({ pages: 3, changes: 25, conflicts: 0 });
    expect(versions).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(server.requests).toEqual([undefined, '10', '20']);
  });

  it('a page that fails to apply stops the pull with the cursor at the last applied page, and the next pull resumes exactly there', async () => {
    const server = fakeServer(35);
    const failing = fakeAdapter({ failOnPage: 2 });
    await expect(
      pullChanges({
        adapter: failing.adapter,
        client: server.client,
        token: 't',
        limit: 10,
        shouldContinue: () => true,
      }),
    ).rejects.toThrow('disk full');
    // Page 3 may have been fetched ahead, but nothing of it or of page 2 was applied.
    expect(failing.cursor()).toBe('10');
    expect(failing.versions).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));

    await pullChanges({
      adapter: failing.adapter,
      client: server.client,
      token: 't',
      limit: 10,
      shouldContinue: () => true,
    });
    expect(failing.cursor()).toBe('35');
    // Every change applied exactly once, in order.
    expect(failing.versions).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
  });

  it('stops between pages when asked, after the page in hand is applied', async () => {
    const server = fakeServer(50);
    const { adapter, versions, cursor } = fakeAdapter();
    // The engine is told to stop while the first page is applied.
    const outcome = await pullChanges({
      adapter,
      client: server.client,
      token: 't',
      limit: 10,
      shouldContinue: () => versions.length === 0,
    });
    expect(outcome.pages).toBe(1);
    expect(versions).toHaveLength(10);
    expect(cursor()).toBe('10');
  });

  it('an empty page or a cursor that does not move ends the pull', async () => {
    const { adapter } = fakeAdapter();
    const requests: (string | undefined)[] = [];
    const client = {
      pull: async (_t: string, since: string | undefined) => {
        requests.push(since);
        return { changes: [], cursor: '7', hasMore: true };
      },
    } as unknown as SyncClient;
    const outcome = await pullChanges({ adapter, client, token: 't', limit: 10, shouldContinue: () => true });
    expect(outcome.pages).toBe(1);
    expect(requests).toEqual([undefined]);
  });
});
