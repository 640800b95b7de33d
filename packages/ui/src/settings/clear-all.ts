// "Clear all conversations": deletes this browser's copy of the history and
// nothing on the sync server. When sync is on it is turned off here first
// (and this browser signed out), so the server's copies do not come straight
// back; signing in again downloads them.
import { type ChatStorageAdapter, deleteChatStorage } from '@chatkeep/storage';
import { CLEARED_CHANNEL } from '../data/cleared-channel.js';
import { forgetSnapshot } from '../first-paint/store.js';
import { forgetShares } from '../share/share-labels.js';
import { endSession } from '../sync/auth.js';
import type { SyncRuntime } from '../sync/sync-runtime.js';
import type { SyncSettingsStore } from '../sync/sync-settings.js';

export interface LocalDataCounts {
  projects: number;
  conversations: number;
  messages: number;
}

export async function countLocalData(adapter: ChatStorageAdapter): Promise<LocalDataCounts> {
  const counts: LocalDataCounts = { projects: 0, conversations: 0, messages: 0 };
  for (const projectId of await adapter.listProjects()) {
    const conversations = await adapter.listConversations(projectId, { includeArchived: true });
    if (conversations.length === 0) continue;
    counts.projects++;
    counts.conversations += conversations.length;
    for (const c of conversations) counts.messages += c.messageCount;
  }
  return counts;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the confirmation says will be lost, and what will not. */
export function describeClearAll(
  counts: LocalDataCounts,
  sync: { enabled: boolean; signedIn: boolean; everSynced: boolean },
): string[] {
  const what = `${plural(counts.conversations, 'conversation')} (${plural(counts.messages, 'message')})${
    counts.projects > 1 ? ` in ${plural(counts.projects, 'project')}` : ''
  }`;
  const lines = [
    `This deletes ${what} from this browser, archived ones included. It cannot be undone here; export them first to keep a copy.`,
  ];
  if (sync.enabled && sync.signedIn) {
    lines.push(
      'Copies on the sync server are not deleted. Sync is turned off and this browser is signed out, so they do not come back; sign in again to download them. Your other devices keep their conversations.',
    );
  } else if (sync.everSynced || sync.signedIn) {
    lines.push('Copies already on the sync server are not deleted, and your other devices keep theirs.');
  }
  return lines;
}

export async function clearAllLocalData(opts: {
  adapter: ChatStorageAdapter;
  settings: SyncSettingsStore;
  runtime?: SyncRuntime;
  dbName?: string;
  deleteStorage?: typeof deleteChatStorage;
  /** Ends the session on the server (best effort); `endSession` by default. */
  endSession?: typeof endSession;
}): Promise<void> {
  const { adapter, settings, runtime } = opts;
  // Stop syncing first: nothing may push or pull while the history goes away.
  await runtime?.shutdown();
  const { account, serverUrl } = settings.getState();
  settings.getState().reset();
  // The first-paint snapshot shows the history being deleted: gone too, and not written again.
  forgetSnapshot();
  if (typeof localStorage !== 'undefined') forgetShares();
  // The token is forgotten here anyway; telling the server makes it stop working too.
  if (account) await (opts.endSession ?? endSession)(account, { serverUrl });
  await adapter.close();
  await (opts.deleteStorage ?? deleteChatStorage)({ dbName: opts.dbName });
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CLEARED_CHANNEL);
    channel.postMessage('cleared');
    channel.close();
  }
}

/** Reloads this tab when another tab cleared everything (its storage is gone). */
export function reloadWhenClearedElsewhere(reload: () => void = () => location.reload()): () => void {
  if (typeof BroadcastChannel !== 'function') return () => {};
  const channel = new BroadcastChannel(CLEARED_CHANNEL);
  channel.onmessage = () => reload();
  return () => channel.close();
}
