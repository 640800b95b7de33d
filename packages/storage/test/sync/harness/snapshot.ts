// What a device holds and what the server holds, in one comparable shape.
import { createSyncClient } from '../../../src/sync/http.js';
import type { Conversation, Message, RecordData, SyncableChatStorage } from '../../../src/types.js';

// A conversation's updatedAt is also moved by message writes on the device
// that makes them (like its summaries, that part is not synced), so devices
// may legitimately differ on it; everything else must match exactly.
type ComparedConversation = Omit<Conversation, 'messageCount' | 'lastMessage' | 'updatedAt'>;

export interface Snapshot {
  conversations: Record<string, ComparedConversation>;
  messages: Record<string, Message>;
}

/** Every live conversation (synced fields) and message on a device. */
export async function deviceSnapshot(adapter: SyncableChatStorage): Promise<Snapshot> {
  const snapshot: Snapshot = { conversations: {}, messages: {} };
  for (const projectId of await adapter.listProjects()) {
    for (const c of await adapter.listConversations(projectId, { includeArchived: true })) {
      const { messageCount: _n, lastMessage: _l, updatedAt: _u, ...synced } = c;
      snapshot.conversations[c.id] = synced;
      for (const m of await adapter.loadConversation(c.id)) snapshot.messages[m.id] = m;
    }
  }
  return sorted(snapshot);
}

/** Every live record on the server for this token, read with the wire client. */
export async function serverSnapshot(serverUrl: string, token: string): Promise<Snapshot> {
  const client = createSyncClient({ serverUrl });
  const latest = new Map<string, { deleted: boolean; data: RecordData | null; kind: string; id: string }>();
  let since: string | undefined;
  for (;;) {
    const page = await client.pull(token, since, 1000);
    for (const c of page.changes) latest.set(`${c.kind}:${c.id}`, c);
    if (!page.hasMore) break;
    since = page.cursor;
  }
  const snapshot: Snapshot = { conversations: {}, messages: {} };
  for (const r of latest.values()) {
    if (r.deleted || !r.data) continue;
    if (r.kind === 'conversation') {
      const { updatedAt: _u, ...compared } = r.data as Conversation;
      snapshot.conversations[r.id] = compared;
    } else if (r.kind === 'message') snapshot.messages[r.id] = r.data as Message;
    // Project records are compared by the tests about projects (projects.test.ts).
  }
  return sorted(snapshot);
}

function sorted(s: Snapshot): Snapshot {
  const order = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { conversations: order(s.conversations), messages: order(s.messages) };
}

/** Summaries a device derived: message count and preview per conversation. */
export async function summaries(adapter: SyncableChatStorage): Promise<Record<string, [number, string?]>> {
  const out: Record<string, [number, string?]> = {};
  for (const projectId of await adapter.listProjects()) {
    for (const c of await adapter.listConversations(projectId, { includeArchived: true })) {
      out[c.id] = [c.messageCount, c.lastMessage];
    }
  }
  return out;
}
