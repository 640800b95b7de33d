// A fresh device syncing the whole dataset from the server on loopback:
// an empty database, the real client engine, until its history is downloaded.
// On the way it times what a person sees: the conversation list (the
// sidebar), and conversations "clicked" while the download runs (the latest
// page shown); and it counts the main thread's long tasks.
// Next to it, the "write floor": the same records and sync entries written
// with plain IndexedDB puts, 1,000 per transaction, nothing read or checked,
// into a database the product's own open code created. The driver
// (bench/src/node/sync-figure.ts) decides in which origin and database each
// step runs; the page only measures one step.
import {
  createSyncEngine,
  IndexedDBAdapter,
  type ServerRecordChange,
  type SyncEngineStatus,
} from '@chatkeep/storage';
import { deleteDatabase, pause } from './context.js';
import { type EncryptedSyncAccount, unlockedKeyStore } from './encrypted-sync.js';

/**
 * How a floor writes (by hand, `CHATKEEP_BENCH_SYNC_FLOORS`, to find where
 * the sync's writes cost more than the floor's; each varies one thing):
 * - `version`: the server's version order, 1,000 records per transaction (the figure's floor)
 * - `download-order`: the same, in the order the sync of the same run wrote the records
 * - `500`: 500 records per transaction
 * - `500-progress`: 500, each transaction followed by one putting a download progress
 *   as the sync stores it (every conversation not yet written, as JSON)
 * - `relaxed` / `strict`: the transactions' durability hint
 */
export type FloorVariant = 'version' | 'download-order' | '500' | '500-progress' | 'relaxed' | 'strict';

/** What one step took, split where the engine can be timed from outside. */
export interface SyncStep {
  kind: 'sync' | 'floor';
  /** Floor: how it wrote (see FloorVariant). */
  variant?: FloorVariant;
  /** Sync, when asked: every record in the order the sync wrote it (`kind:id`), for the `download-order` floor. */
  order?: string[];
  dbName: string;
  /** Wall clock (ms since the epoch) at the start and end of the timed part, to match machine samples. */
  startedAt: number;
  endedAt: number;
  /** Start to `synced` with the history downloaded (sync) or the first put to the last commit (floor). */
  seconds: number;
  /** Sync: time inside `applyRemote` (one transaction per batch). Floor: same as `seconds`. */
  applySeconds: number;
  /**
   * Sync: pull and bootstrap requests from send to body read, summed. They
   * overlap each other and `applySeconds` (fetched while pages are written).
   */
  fetchSeconds: number;
  /** Sync: time the engine was not applying a page (waiting for one, or its own steps). */
  outsideApplySeconds: number;
  pages: number;
  messages: number;
  conversations: number;
  /** Sync: start to every conversation listed (read as the sidebar reads it) and a frame painted. */
  sidebarMs?: number;
  /** Sync: conversations opened mid-download: prioritize, then the latest page read and a frame painted. */
  opens?: OpenedConversation[];
  /** Sync: every long task (over 50 ms) of the page from start to the end of the download, in ms. */
  longTasks?: number[];
  /** IndexedDB requests the step issued, by store or index method (e.g. `store.put`, `index.count`). */
  requests: Record<string, number>;
}

const COUNTED = {
  store: [
    'get',
    'getAll',
    'getAllKeys',
    'getKey',
    'put',
    'add',
    'delete',
    'count',
    'openCursor',
    'openKeyCursor',
  ],
  index: ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'],
} as const;

/** Counts the IndexedDB requests made until `stop` (a counter per call: no measurable cost). */
function countRequests(): () => Record<string, number> {
  const counts: Record<string, number> = {};
  const restore: (() => void)[] = [];
  const patch = (proto: object, prefix: string, names: readonly string[]) => {
    for (const name of names) {
      const target = proto as Record<string, (...args: unknown[]) => unknown>;
      const original = target[name];
      if (typeof original !== 'function') continue;
      const key = `${prefix}.${name}`;
      target[name] = function (this: unknown, ...args: unknown[]) {
        counts[key] = (counts[key] ?? 0) + 1;
        return original.apply(this, args);
      };
      restore.push(() => {
        target[name] = original;
      });
    }
  };
  patch(IDBObjectStore.prototype, 'store', COUNTED.store);
  patch(IDBIndex.prototype, 'index', COUNTED.index);
  return () => {
    for (const undo of restore) undo();
    return counts;
  };
}

export interface OpenedConversation {
  /** Share of the conversations downloaded when it was opened. */
  at: number;
  conversationId: string;
  /** Messages of the conversation. */
  messages: number;
  ms: number;
  big: boolean;
}

const PULL_LIMIT = 1000;
/** When, in downloaded conversations, a conversation still queued is opened. */
const OPEN_AT = [0.25, 0.5, 0.75];

/** Resolves once the engine is synced with its history download done (it ran: a fresh device has one). */
function untilDownloaded(engine: ReturnType<typeof createSyncEngine>): Promise<SyncEngineStatus> {
  let downloading = false;
  return new Promise((resolve, reject) => {
    const check = (status: SyncEngineStatus) => {
      if (status.backfill) downloading = true;
      if (downloading && !status.backfill && status.state === 'synced' && status.lastSyncedAt !== null) {
        unsubscribe();
        resolve(status);
      } else if (status.state === 'error' || status.state === 'signed-out') {
        unsubscribe();
        reject(new Error(`sync failed: ${JSON.stringify(status)}`));
      }
    };
    const unsubscribe = engine.subscribe(check);
    check(engine.getStatus());
  });
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Start to the whole conversation list readable, as the sidebar reads it after each write, and painted. */
function timeSidebar(adapter: IndexedDBAdapter, projectId: string, conversations: number, t0: number) {
  return new Promise<number>((resolve) => {
    let reading = false;
    let again = false;
    const check = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      do {
        again = false;
        const listed = await adapter.listConversations(projectId, { includeArchived: true });
        if (listed.length >= conversations) {
          unsubscribe();
          await frame();
          resolve(performance.now() - t0);
          return;
        }
      } while (again);
      reading = false;
    };
    const unsubscribe = adapter.subscribe(() => void check());
  });
}

/**
 * Resolves once the conversation's latest page reads as the app would show
 * it: 50 messages, or its whole branch when shorter. Read again after every
 * write of the sync, as the app's queries are.
 */
function latestPageShown(adapter: IndexedDBAdapter, conversationId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let reading = false;
    let again = false;
    const check = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const page = await adapter.getMessages(conversationId, { limit: 50 });
          const whole = !page.hasMore && !page.missingParentId;
          if (page.messages.length >= 50 || (whole && page.messages.length > 0)) {
            unsubscribe();
            resolve();
            return;
          }
        } while (again);
      } catch (error) {
        unsubscribe();
        reject(error);
      }
      reading = false;
    };
    const unsubscribe = adapter.subscribe(() => void check());
    void check();
  });
}

/** Opens conversations still queued while the download runs, as a person clicking them in the sidebar. */
async function openMidDownload(
  engine: ReturnType<typeof createSyncEngine>,
  adapter: IndexedDBAdapter,
  bigConversationId: string,
): Promise<OpenedConversation[]> {
  const opened: OpenedConversation[] = [];
  // Before the download starts its progress is null, as it is again at its end.
  let started = false;
  for (const [i, share] of OPEN_AT.entries()) {
    const progress = await new Promise<{ done: number; total: number } | null>((resolve) => {
      const check = (status: SyncEngineStatus) => {
        const b = status.backfill;
        if (b) started = true;
        if (!started || (b && b.done < b.total * share)) return;
        unsubscribe();
        resolve(b ?? null);
      };
      const unsubscribe = engine.subscribe(check);
      check(engine.getStatus());
    });
    if (!progress) break;
    const queue = (await adapter.getBootstrap())?.queue ?? [];
    if (queue.length === 0) break;
    // The middle open is the 10,000-message conversation while it is still queued.
    const big = i === 1 && queue.includes(bigConversationId);
    const conversationId = big ? bigConversationId : queue[queue.length - 1]!;
    const t = performance.now();
    const shown = latestPageShown(adapter, conversationId);
    const downloaded = engine.prioritize(conversationId);
    await shown;
    await frame();
    const ms = performance.now() - t;
    await downloaded;
    const conversation = await adapter.getConversation(conversationId);
    opened.push({
      at: progress.done / progress.total,
      conversationId,
      messages: conversation?.messageCount ?? 0,
      ms,
      big,
    });
  }
  return opened;
}

/** A fetch that reads each pull's and download's body itself, to time the network part of every page. */
function timedFetch(onPull: (ms: number) => void): typeof fetch {
  return async (input, init) => {
    const t = performance.now();
    const response = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const timed = ['/v1/sync/pull', '/v1/sync/conversations', '/v1/sync/messages'];
    if (!timed.some((path) => url.includes(path))) return response;
    const body = await response.arrayBuffer();
    onPull(performance.now() - t);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

async function counts(adapter: IndexedDBAdapter, projectId: string) {
  const conversations = await adapter.listConversations(projectId, { includeArchived: true });
  const messages = conversations.reduce((sum, c) => sum + c.messageCount, 0);
  return { messages, conversations: conversations.length };
}

async function syncStep(
  token: string,
  projectId: string,
  dbName: string,
  conversations: number,
  bigConversationId: string,
  account: EncryptedSyncAccount | undefined,
  recordOrder: boolean,
): Promise<SyncStep> {
  const adapter = await IndexedDBAdapter.open({ dbName });
  let fetchMs = 0;
  let applyMs = 0;
  let pages = 0;
  // Timed on the instance: the engine calls it through the adapter it was given.
  const applyRemote = adapter.applyRemote.bind(adapter);
  // Kept only when a floor will follow it: 112,834 keys are work inside the timed download.
  const order: string[] | undefined = recordOrder ? [] : undefined;
  adapter.applyRemote = async (changes, cursor, download) => {
    if (order) for (const c of changes) order.push(`${c.kind}:${c.id}`);
    const t = performance.now();
    try {
      return await applyRemote(changes, cursor, download);
    } finally {
      applyMs += performance.now() - t;
      pages += 1;
    }
  };
  const engine = createSyncEngine({
    adapter,
    serverUrl: location.origin,
    token,
    fetch: timedFetch((ms) => {
      fetchMs += ms;
    }),
    // An encrypted account: the device holds its data key (remembered), as one unlocked before.
    ...(account && { userId: account.userId, keyStore: await unlockedKeyStore(account) }),
  });
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const stopCounting = countRequests();
  const startedAt = Date.now();
  const t = performance.now();
  const downloaded = untilDownloaded(engine);
  const sidebar = timeSidebar(adapter, projectId, conversations, t);
  engine.start();
  const sidebarMs = await sidebar;
  const opens = await openMidDownload(engine, adapter, bigConversationId);
  await downloaded;
  const ms = performance.now() - t;
  const endedAt = Date.now();
  const requests = stopCounting();
  // Entries of the last task arrive after it ended.
  await frame();
  observer.disconnect();
  await engine.stop();
  const stored = await counts(adapter, projectId);
  await adapter.close();
  return {
    kind: 'sync',
    dbName,
    startedAt,
    endedAt,
    seconds: ms / 1000,
    applySeconds: applyMs / 1000,
    fetchSeconds: fetchMs / 1000,
    outsideApplySeconds: (ms - applyMs) / 1000,
    pages,
    ...stored,
    requests,
    sidebarMs,
    opens,
    longTasks,
    ...(order && { order }),
  };
}

/** Every change on the server, page by page as the engine pulls them (not timed). */
let pulled: { token: string; pages: ServerRecordChange[][] } | undefined;

async function allChanges(token: string): Promise<ServerRecordChange[][]> {
  if (pulled?.token === token) return pulled.pages;
  const pages: ServerRecordChange[][] = [];
  let cursor = '0';
  for (;;) {
    const query = new URLSearchParams({ since: cursor, limit: String(PULL_LIMIT) });
    const response = await fetch(`${location.origin}/v1/sync/pull?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`pull answered ${response.status}`);
    const page = (await response.json()) as {
      changes: ServerRecordChange[];
      cursor: string;
      hasMore: boolean;
    };
    pages.push(page.changes);
    cursor = page.cursor;
    if (!page.hasMore || page.changes.length === 0) break;
  }
  pulled = { token, pages };
  return pages;
}

function openExisting(dbName: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function writeBatch(
  db: IDBDatabase,
  batch: ServerRecordChange[],
  at: number,
  durability?: IDBTransactionDurability,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(
      ['conversations', 'messages', 'projects', 'sync_metadata'],
      'readwrite',
      durability ? { durability } : undefined,
    );
    const records = {
      conversation: tx.objectStore('conversations'),
      message: tx.objectStore('messages'),
      project: tx.objectStore('projects'),
    };
    const metadata = tx.objectStore('sync_metadata');
    for (const r of batch) {
      records[r.kind].put(r.data);
      // The entry applyRemote writes for a pulled record (syncedMeta in the storage package).
      metadata.put({
        kind: r.kind,
        id: r.id,
        projectId: r.projectId,
        hlc: r.hlc,
        deleted: r.deleted,
        syncStatus: 'synced',
        version: r.version,
        lastSyncedAt: at,
      });
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('floor transaction aborted'));
  });
}

/** `changes` in the order the sync wrote them; records it did not write go last. */
function inOrder(changes: ServerRecordChange[], order: string[]): ServerRecordChange[] {
  const position = new Map<string, number>();
  for (const [i, key] of order.entries()) if (!position.has(key)) position.set(key, i);
  const at = (c: ServerRecordChange) => position.get(`${c.kind}:${c.id}`) ?? Number.MAX_SAFE_INTEGER;
  return [...changes].sort((a, b) => at(a) - at(b));
}

/** A progress record as the download stores it after each write: the conversations not yet written. */
function putProgress(db: IDBDatabase, queue: string[], total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').put(JSON.stringify({ stage: 'messages', queue, total }), 'bootstrap');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

async function floorStep(
  token: string,
  projectId: string,
  dbName: string,
  variant: FloorVariant,
  order: string[] | undefined,
): Promise<SyncStep> {
  const pulled = (await allChanges(token)).flat();
  if (variant === 'download-order' && !order)
    throw new Error('the download-order floor needs a sync before it');
  const changes = variant === 'download-order' ? inOrder(pulled, order ?? []) : pulled;
  const size = variant === '500' || variant === '500-progress' ? 500 : PULL_LIMIT;
  const durability = variant === 'relaxed' || variant === 'strict' ? variant : undefined;
  // The progress: conversations in the order the sync lists them, each off once its last message is written.
  const conversationIds = changes.filter((c) => c.kind === 'conversation').map((c) => c.id);
  const lastWrite = new Map<string, number>();
  for (const [i, c] of changes.entries()) {
    if (c.kind === 'message') lastWrite.set((c.data as { conversationId: string }).conversationId, i);
  }
  // The product's schema, made by the product's open code; then closed so the floor writes on its own connection.
  await (await IndexedDBAdapter.open({ dbName })).close();
  const db = await openExisting(dbName);
  const at = Date.now();
  const stopCounting = countRequests();
  const startedAt = Date.now();
  const t = performance.now();
  for (let i = 0; i < changes.length; i += size) {
    await writeBatch(db, changes.slice(i, i + size), at, durability);
    if (variant === '500-progress') {
      const written = i + size;
      const left = conversationIds.filter((id) => (lastWrite.get(id) ?? -1) >= written);
      await putProgress(db, left, conversationIds.length);
    }
  }
  const seconds = (performance.now() - t) / 1000;
  const endedAt = Date.now();
  const requests = stopCounting();
  db.close();
  const adapter = await IndexedDBAdapter.open({ dbName });
  const stored = await counts(adapter, projectId);
  await adapter.close();
  return {
    kind: 'floor',
    variant,
    dbName,
    startedAt,
    endedAt,
    seconds,
    applySeconds: seconds,
    fetchSeconds: 0,
    outsideApplySeconds: 0,
    pages: Math.ceil(changes.length / size),
    // The floor writes no summaries: count the messages it wrote, not the conversations' messageCount.
    messages: changes.filter((c) => c.kind === 'message').length,
    conversations: stored.conversations,
    requests,
  };
}

/**
 * One measured step in database `dbName`, which must not exist yet (checked):
 * a fresh device has no database. `deleteFirst` are deleted right before it
 * (to measure what a just-deleted database costs the next one).
 */
export async function freshDeviceStep(
  kind: 'sync' | 'floor',
  token: string,
  projectId: string,
  dbName: string,
  deleteFirst: string[],
  dataset: { conversations: number; bigConversationId: string },
  opts: {
    /** How the floor writes (the figure's floor by default). */
    floor?: { variant: FloorVariant; order?: string[] };
    /** The account with its keys, when it is end-to-end encrypted. */
    account?: EncryptedSyncAccount;
    /** Sync: keep the order it wrote the records in (`SyncStep.order`), for a `download-order` floor. */
    recordOrder?: boolean;
  } = {},
): Promise<SyncStep> {
  if (kind === 'floor') await allChanges(token);
  for (const name of deleteFirst) await deleteDatabase(name);
  const existing = await indexedDB.databases();
  if (existing.some((d) => d.name === dbName)) throw new Error(`${dbName} exists: not a fresh device`);
  await pause(200);
  return kind === 'sync'
    ? syncStep(
        token,
        projectId,
        dbName,
        dataset.conversations,
        dataset.bigConversationId,
        opts.account,
        opts.recordOrder ?? false,
      )
    : floorStep(token, projectId, dbName, opts.floor?.variant ?? 'version', opts.floor?.order);
}

/** Deletes databases a driver left behind on this origin. */
export async function deleteDatabases(names: string[]): Promise<void> {
  for (const name of names) await deleteDatabase(name);
}
