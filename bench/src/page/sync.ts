// A fresh device syncing the whole dataset from the server on loopback:
// an empty database, the real client engine, until the first sync is done.
import { createSyncEngine, IndexedDBAdapter, type SyncEngineStatus } from '@chatkeep/storage';
import { deleteDatabase, pause } from './context.js';

export interface FreshDeviceRuns {
  /** Seconds from engine start to `synced`, per run. */
  seconds: number[];
  messages: number;
  conversations: number;
}

function untilSynced(engine: ReturnType<typeof createSyncEngine>): Promise<SyncEngineStatus> {
  return new Promise((resolve, reject) => {
    const check = (status: SyncEngineStatus) => {
      if (status.state === 'synced' && status.lastSyncedAt !== null) {
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

async function syncOnce(token: string, projectId: string, run: number) {
  const dbName = `bench-device-${run}`;
  await deleteDatabase(dbName);
  const adapter = await IndexedDBAdapter.open({ dbName });
  const engine = createSyncEngine({ adapter, serverUrl: location.origin, token });
  const t = performance.now();
  const synced = untilSynced(engine);
  engine.start();
  await synced;
  const seconds = (performance.now() - t) / 1000;
  await engine.stop();
  const conversations = await adapter.listConversations(projectId, { includeArchived: true });
  const messages = conversations.reduce((sum, c) => sum + c.messageCount, 0);
  await adapter.close();
  await deleteDatabase(dbName);
  return { seconds, messages, conversations: conversations.length };
}

export async function freshDeviceSync(
  token: string,
  projectId: string,
  runs: number,
): Promise<FreshDeviceRuns> {
  const result: FreshDeviceRuns = { seconds: [], messages: 0, conversations: 0 };
  for (let run = 0; run <= runs; run++) {
    await pause(200);
    const once = await syncOnce(token, projectId, run);
    if (run > 0) result.seconds.push(once.seconds);
    result.messages = once.messages;
    result.conversations = once.conversations;
  }
  return result;
}
