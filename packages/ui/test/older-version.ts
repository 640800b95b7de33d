// A tab of an older Chatkeep version, as end-to-end tests (inside the page,
// through page.evaluate) and Node tests (fake-indexeddb) both need it: the
// history database at version 1, with what it held then, kept open and never
// closed on versionchange. Self-contained: page.evaluate sends its source.

export interface OlderVersionTab {
  db: IDBDatabase;
  /** How often newer tabs asked it to close. */
  askedToClose: number;
}

export interface OlderHistory {
  conversation: { id: string; title: string };
  messages: { id: string; role: string; content: string }[];
}

/** Opens and fills the database; the tab is then `globalThis.olderVersionTab`. */
export function holdOlderVersion(history: OlderHistory | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('chatkeep', 1);
    request.onerror = () => reject(request.error);
    request.onupgradeneeded = () => {
      const db = request.result;
      const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
      conversations.createIndex('byProjectUpdated', ['projectId', 'updatedAt']);
      const messages = db.createObjectStore('messages', { keyPath: 'id' });
      messages.createIndex('byConversationCreated', ['conversationId', 'createdAt', 'id']);
      db.createObjectStore('projects', { keyPath: 'id' });
    };
    request.onsuccess = () => {
      const tab: OlderVersionTab = { db: request.result, askedToClose: 0 };
      (globalThis as { olderVersionTab?: OlderVersionTab }).olderVersionTab = tab;
      tab.db.onversionchange = () => {
        tab.askedToClose += 1;
      };
      if (!history) return resolve();
      const t = Date.now() - 60_000;
      const tx = tab.db.transaction(['conversations', 'messages', 'projects'], 'readwrite');
      const { conversation, messages: list } = history;
      tx.objectStore('projects').put({ id: 'default' });
      tx.objectStore('conversations').put({
        ...{ id: conversation.id, projectId: 'default', title: conversation.title, createdAt: t },
        ...{
          updatedAt: t + list.length,
          archived: false,
          pinned: false,
          tags: [],
          messageCount: list.length,
        },
      });
      list.forEach((m, i) => {
        tx.objectStore('messages').put({
          ...{ ...m, conversationId: conversation.id, projectId: 'default', status: 'complete' },
          ...{ createdAt: t + i, updatedAt: t + i },
        });
      });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    };
  });
}
