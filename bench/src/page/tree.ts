// Message tree figures: the latest page of the active branch of a 10,000-
// message conversation with a regenerated answer every 10 messages, switching
// versions in it to the first page, and the time the schema upgrade takes on
// the whole dataset stored as the release before trees left it.
import { IndexedDBAdapter, type Message, type MessageInput } from '@chatkeep/storage';
import {
  bigConversationIndex,
  conversationsOf,
  type DatasetSpec,
  generateConversation,
} from '../shared/dataset.js';
import { deleteDatabase, pause } from './context.js';
import { sample } from './reads.js';

const PAGE = 50;
const TREE_DB = 'bench-tree';
const OLD_DB = 'bench-upgrade-v2';

export interface TreeRuns {
  /** Messages of the branched conversation, versions included. */
  messages: number;
  regeneratedPage: number[];
  switchToFirstPage: number[];
  upgrade: { messages: number; ms: number[] };
}

/** The long conversation, with every 10th answer regenerated: the first answer stays as version 1 of 2. */
function branched(spec: DatasetSpec): { messages: MessageInput[]; versions: [string, string][] } {
  const { messages: chain } = generateConversation(spec, bigConversationIndex(spec));
  const out: MessageInput[] = [];
  const versions: [string, string][] = [];
  chain.forEach((m, i) => {
    if (i % 10 === 9 && m.role === 'assistant') {
      const first: Message = { ...m, id: `${m.id}-v1`, content: `${m.content.slice(0, 200)} (stopped)` };
      first.createdAt = m.createdAt - 1;
      first.updatedAt = first.createdAt;
      out.push(first);
      versions.push([first.id, m.id]);
    }
    out.push(m);
  });
  return { messages: out, versions };
}

function check(page: { messages: Message[] }, leafId: string, what: string): void {
  if (page.messages.length !== PAGE || page.messages.at(-1)?.id !== leafId) {
    throw new Error(
      `${what}: got ${page.messages.length} messages ending at ${page.messages.at(-1)?.id}, expected ${PAGE} ending at ${leafId}`,
    );
  }
}

export async function treeFigures(spec: DatasetSpec, runs: number): Promise<TreeRuns> {
  await deleteDatabase(TREE_DB);
  const db = await IndexedDBAdapter.open({ dbName: TREE_DB });
  const { messages, versions } = branched(spec);
  const conversationId = messages[0]!.conversationId;
  await db.saveConversation({ id: conversationId, projectId: spec.projectId, title: 'Branched' }, messages);
  const leaf = messages.at(-1)!.id;
  const regeneratedPage = await sample(runs, async () => {
    check(await db.getMessages(conversationId, { limit: PAGE }), leaf, 'latest page');
  });
  // Switch between the two versions of the last regenerated answer, as the "‹ 1/2 ›" switch does, to the first page.
  const [older, newer] = versions.at(-1)!;
  let showOlder = true;
  const switchToFirstPage = await sample(runs, async () => {
    const target = showOlder ? older : newer;
    const conversation = await db.selectVersion(conversationId, target);
    const page = await db.getMessages(conversationId, { limit: PAGE });
    check(page, conversation.activeLeafId ?? leaf, 'page after a switch');
    showOlder = !showOlder;
  });
  await db.close();
  await deleteDatabase(TREE_DB);
  await pause(200);
  const upgrade = await upgradeTime(spec);
  return { messages: messages.length, regeneratedPage, switchToFirstPage, upgrade };
}

/** The dataset written in schema version 2 (no parentId), then opened by the current adapter once. */
async function upgradeTime(spec: DatasetSpec): Promise<{ messages: number; ms: number[] }> {
  await deleteDatabase(OLD_DB);
  const messages = await writeVersion2(spec);
  const t = performance.now();
  const db = await IndexedDBAdapter.open({ dbName: OLD_DB });
  const ms = performance.now() - t;
  const big = generateConversation(spec, bigConversationIndex(spec)).conversation.id;
  const page = await db.getMessages(big, { limit: PAGE });
  if (page.messages.length !== PAGE || page.messages[1]?.parentId !== page.messages[0]?.id) {
    throw new Error('the upgraded long conversation does not read as one branch');
  }
  await db.close();
  await deleteDatabase(OLD_DB);
  return { messages, ms: [ms] };
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Stores and indexes as schema version 2 made them (packages/storage/src/indexeddb/upgrade.ts, v1 and v2 steps). */
async function writeVersion2(spec: DatasetSpec): Promise<number> {
  const request = indexedDB.open(OLD_DB, 2);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('byProjectUpdated', [
      'projectId',
      'updatedAt',
    ]);
    db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversationCreated', [
      'conversationId',
      'createdAt',
      'id',
    ]);
    db.createObjectStore('projects', { keyPath: 'id' });
    db.createObjectStore('sync_metadata', { keyPath: ['kind', 'id'] }).createIndex('outbox', 'outbox');
    db.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('byDetected', ['detectedAt', 'id']);
    db.createObjectStore('meta');
  };
  const db = await settle(request);
  let count = 0;
  for (const { conversation, messages } of conversationsOf(spec)) {
    const tx = db.transaction(['conversations', 'messages', 'projects'], 'readwrite');
    const last = messages.at(-1);
    tx.objectStore('conversations').put({
      ...conversation,
      messageCount: messages.length,
      ...(last ? { lastMessage: last.content.slice(0, 200) } : {}),
    });
    tx.objectStore('projects').put({ id: conversation.projectId });
    for (const { parentId: _p, ...old } of messages) tx.objectStore('messages').put(old);
    count += messages.length;
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  db.close();
  return count;
}
