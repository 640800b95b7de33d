// In-place upgrades of the localStorage layout, run once when a database is
// opened, all in one KeyValueTx: the data is upgraded whole or not at all.

import { implicitProject } from '../projects.js';
import { compareMessages } from '../records.js';
import type { Message } from '../types.js';
import {
  type ConversationEntry,
  type Keys,
  LAYOUT_VERSION,
  type ProjectIndex,
  type ProjectRecords,
  type StoredMeta,
} from './layout.js';
import { corrupted, type KeyValueTx } from './transaction.js';

/**
 * Layout 2: message trees. Each message's parentId becomes the message
 * before it in time order, as the history was shown. Messages that already
 * have a parentId keep it, so a second run (another tab that opened the
 * database at the same time) changes nothing.
 */
function upgradeToLayout2(tx: KeyValueTx, keys: Keys): void {
  for (const key of tx.keysWithPrefix(keys.conversationPrefix)) {
    const entry = tx.get<ConversationEntry>(key);
    if (!entry || !Array.isArray(entry.messages)) throw corrupted(key, 'does not hold a conversation');
    const messages = [...entry.messages].sort(compareMessages);
    let previous: string | null = null;
    for (const message of messages as (Omit<Message, 'parentId'> & { parentId?: string | null })[]) {
      if (message.parentId === undefined) message.parentId = previous;
      previous = message.id;
    }
    tx.set(key, { ...entry, messages });
  }
}

/**
 * Layout 3: projects have names. Every project id in use keeps its id and
 * gets a record named after it; records already there (a second run) stay.
 */
function upgradeToLayout3(tx: KeyValueTx, keys: Keys, now: number): void {
  const ids = tx.get<string[]>(keys.projects) ?? [];
  if (!Array.isArray(ids)) throw corrupted(keys.projects, 'does not hold a list of projects');
  const records = tx.get<ProjectRecords>(keys.projectRecords) ?? {};
  for (const id of ids) {
    // Dated by its oldest conversation, so that two tabs upgrading at once write the same record.
    const index = tx.get<ProjectIndex>(keys.project(id)) ?? {};
    const oldest = Math.min(...Object.values(index).map((c) => c.createdAt));
    records[id] ??= { project: implicitProject(id, Number.isFinite(oldest) ? oldest : now) };
  }
  tx.set(keys.projectRecords, records);
}

/**
 * Brings the stored layout up to LAYOUT_VERSION. Returns the meta as it is
 * afterwards. The caller holds the database's lock, so two tabs opening an
 * old database run the upgrade one after the other, and the second sees it done.
 */
export function upgradeLayout(tx: KeyValueTx, keys: Keys, meta: StoredMeta, now = Date.now()): StoredMeta {
  if (meta.layout >= LAYOUT_VERSION) return meta;
  if (meta.layout < 2) upgradeToLayout2(tx, keys);
  if (meta.layout < 3) upgradeToLayout3(tx, keys, now);
  const upgraded = { ...meta, layout: LAYOUT_VERSION };
  tx.set(keys.meta, upgraded);
  tx.commit();
  return upgraded;
}
