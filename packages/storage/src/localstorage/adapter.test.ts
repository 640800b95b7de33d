// What is particular to the localStorage layout; the shared behaviour is in
// localstorage.contract.test.ts.
import { describe, expect, it } from 'vitest';
import { expectStorageError, messageInput } from '../contract/context.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { LocalStorageAdapter } from './adapter.js';

function spyWrites(storage: MemoryStorage): { storage: Storage; written: string[] } {
  const written: string[] = [];
  const spy = Object.assign(Object.create(storage) as Storage, {
    setItem(key: string, value: string) {
      written.push(key);
      storage.setItem(key, value);
    },
    removeItem(key: string) {
      written.push(key);
      storage.removeItem(key);
    },
  });
  return { storage: spy, written };
}

describe('LocalStorageAdapter layout', () => {
  it('keeps each conversation with its messages under a key of its own, prefixed by the database name', async () => {
    const storage = new MemoryStorage();
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    expect(db.kind).toBe('localstorage');
    const a = await db.createConversation({ projectId: 'p1', title: 'A' });
    const b = await db.createConversation({ projectId: 'p1', title: 'B' });
    await db.saveMessage(messageInput(a, { content: 'only in a' }));
    await db.saveMessage(messageInput(b, { content: 'only in b' }));
    const snapshot = storage.snapshot();
    expect(Object.keys(snapshot).every((k) => k.startsWith('chatkeep:main:'))).toBe(true);
    expect(snapshot[`chatkeep:main:conv:${a.id}`]).toContain('only in a');
    expect(snapshot[`chatkeep:main:conv:${a.id}`]).not.toContain('only in b');
    expect(snapshot[`chatkeep:main:conv:${b.id}`]).toContain('only in b');
    const holdingText = Object.entries(snapshot).filter(([, v]) => v.includes('only in a'));
    expect(holdingText.map(([k]) => k).sort()).toEqual(
      ['chatkeep:main:project:p1', `chatkeep:main:conv:${a.id}`].sort(),
    );
  });

  it("a message write rewrites its own conversation's key and small indexes, never another conversation", async () => {
    const memory = new MemoryStorage();
    const { storage, written } = spyWrites(memory);
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    const a = await db.createConversation({ projectId: 'p1' });
    const b = await db.createConversation({ projectId: 'p1' });
    await db.saveMessage(messageInput(b, { content: 'x'.repeat(10_000) }));
    written.length = 0;
    const m = await db.saveMessage(messageInput(a, { content: 'hi' }));
    await db.updateMessage(m.id, { content: 'hi there' });
    expect(written).not.toContain(`chatkeep:main:conv:${b.id}`);
    expect(written).toContain(`chatkeep:main:conv:${a.id}`);
  });

  it('listing a project reads its index, not every conversation', async () => {
    const memory = new MemoryStorage();
    const read: string[] = [];
    const storage = Object.assign(Object.create(memory) as Storage, {
      getItem(key: string) {
        read.push(key);
        return memory.getItem(key);
      },
    });
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    const a = await db.createConversation({ projectId: 'p1', title: 'a' });
    await db.saveMessage(messageInput(a, { content: 'preview' }));
    read.length = 0;
    const [listed] = await db.listConversations('p1');
    expect(listed).toMatchObject({ title: 'a', lastMessage: 'preview', messageCount: 1 });
    expect(read.some((k) => k.includes(':conv:'))).toBe(false);
  });

  it('two databases in one storage do not see each other', async () => {
    const storage = new MemoryStorage();
    const one = await LocalStorageAdapter.open({ dbName: 'one', storage });
    const two = await LocalStorageAdapter.open({ dbName: 'two', storage });
    await one.createConversation({ projectId: 'p1' });
    expect(await two.listProjects()).toEqual([]);
    expect(one.clientId).not.toBe(two.clientId);
  });

  it('the default database is "chatkeep"', async () => {
    const storage = new MemoryStorage();
    await (await LocalStorageAdapter.open({ storage })).createConversation({ projectId: 'p1' });
    expect(Object.keys(storage.snapshot()).every((k) => k.startsWith('chatkeep:chatkeep:'))).toBe(true);
  });

  it('two tabs writing in turn never issue the same stamp and keep stamps increasing', async () => {
    const storage = new MemoryStorage();
    const frozen = () => 1_000_000;
    const tabA = await LocalStorageAdapter.open({ dbName: 'main', storage, now: frozen });
    const tabB = await LocalStorageAdapter.open({ dbName: 'main', storage, now: frozen });
    const stamps: string[] = [];
    for (let i = 0; i < 4; i++) {
      const tab = i % 2 === 0 ? tabA : tabB;
      const c = await tab.createConversation({ projectId: 'p1' });
      stamps.push((await tab.getSyncMetadata('conversation', c.id))!.hlc);
    }
    expect(new Set(stamps).size).toBe(4);
    expect([...stamps].sort()).toEqual(stamps);
  });
});

describe('LocalStorageAdapter when storage is full', () => {
  it('a quota failure leaves storage byte-for-byte as before', async () => {
    const storage = new MemoryStorage(60_000);
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    const c = await db.createConversation({ projectId: 'p1', title: 't' });
    await db.saveMessage(messageInput(c, { content: 'small' }));
    const before = storage.snapshot();
    await expectStorageError(
      db.saveMessage(messageInput(c, { content: 'x'.repeat(40_000) })),
      'quota-exceeded',
    );
    expect(storage.snapshot()).toEqual(before);
    const conv = { id: 'c2', projectId: 'p2' };
    await expectStorageError(
      db.saveConversation(
        conv,
        Array.from({ length: 5 }, (_, i) => messageInput(conv, { content: 'y'.repeat(8_000), createdAt: i })),
      ),
      'quota-exceeded',
    );
    expect(storage.snapshot()).toEqual(before);
  });

  it('a quota failure reports nothing to subscribers', async () => {
    const storage = new MemoryStorage(30_000);
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    const c = await db.createConversation({ projectId: 'p1' });
    const heard: unknown[] = [];
    db.subscribe((change) => heard.push(change));
    await expectStorageError(
      db.saveMessage(messageInput(c, { content: 'x'.repeat(20_000) })),
      'quota-exceeded',
    );
    expect(heard).toEqual([]);
  });
});

describe('LocalStorageAdapter with damaged or missing storage', () => {
  it('a conversation key holding invalid JSON is reported, naming the key, and never overwritten', async () => {
    const storage = new MemoryStorage();
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    const broken = await db.createConversation({ projectId: 'p1' });
    const fine = await db.createConversation({ projectId: 'p1' });
    const key = `chatkeep:main:conv:${broken.id}`;
    storage.setItem(key, '{"conversation": {oops');
    await expectStorageError(db.getConversation(broken.id), 'unavailable', new RegExp(key));
    await expectStorageError(db.loadConversation(broken.id), 'unavailable', new RegExp(key));
    await expectStorageError(db.saveMessage(messageInput(broken)), 'unavailable', new RegExp(key));
    await expectStorageError(db.deleteConversation(broken.id), 'unavailable', new RegExp(key));
    expect(storage.getItem(key)).toBe('{"conversation": {oops');
    expect(await db.getConversation(fine.id)).toEqual(fine);
    await db.saveMessage(messageInput(fine, { content: 'still works' }));
  });

  it('an index key holding the wrong shape is reported too', async () => {
    const storage = new MemoryStorage();
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    storage.setItem('chatkeep:main:projects', '{"not":"a list"}');
    await expectStorageError(db.listProjects(), 'unavailable', /chatkeep:main:projects/);
  });

  it('a damaged meta key stops opening with an explanation', async () => {
    const storage = new MemoryStorage();
    storage.setItem('chatkeep:main:meta', 'not json');
    await expectStorageError(
      LocalStorageAdapter.open({ dbName: 'main', storage }),
      'unavailable',
      /chatkeep:main:meta/,
    );
    expect(storage.getItem('chatkeep:main:meta')).toBe('not json');
  });

  it('data written by a newer layout is refused rather than misread', async () => {
    const storage = new MemoryStorage();
    storage.setItem('chatkeep:main:meta', JSON.stringify({ layout: 99, clientId: 'abc' }));
    await expectStorageError(
      LocalStorageAdapter.open({ dbName: 'main', storage }),
      'unavailable',
      /newer version/,
    );
  });

  it('storage that accepts nothing (private mode) cannot be opened', async () => {
    await expectStorageError(
      LocalStorageAdapter.open({ dbName: 'main', storage: new MemoryStorage(0) }),
      'unavailable',
      /private/,
    );
  });

  it('without any localStorage, opening explains what is missing', async () => {
    expect(globalThis.localStorage).toBeUndefined();
    await expectStorageError(LocalStorageAdapter.open({ dbName: 'main' }), 'unavailable', /localStorage/);
  });
});

describe('LocalStorageAdapter sync bookkeeping', () => {
  it('pendingChanges reads the outbox and only the conversations it names, not every one', async () => {
    const memory = new MemoryStorage();
    const read: string[] = [];
    const storage = Object.assign(Object.create(memory) as Storage, {
      getItem(key: string) {
        read.push(key);
        return memory.getItem(key);
      },
    });
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    for (let i = 0; i < 20; i++) {
      const c = await db.createConversation({ projectId: 'p1' });
      await db.saveMessage(messageInput(c));
    }
    const all = await db.pendingChanges(100);
    await db.markPushed(
      all.map((x) => ({ kind: x.kind, id: x.id, hlc: x.hlc, version: 1 })),
      1,
    );
    const edited = await db.createConversation({ projectId: 'p1', title: 'new' });
    read.length = 0;
    const pending = await db.pendingChanges(100);
    expect(pending.map((x) => x.id)).toEqual([edited.id]);
    expect(read.filter((k) => k.includes(':conv:'))).toEqual([`chatkeep:main:conv:${edited.id}`]);
  });

  it('messages pulled before their conversation are pending again after resetSyncState', async () => {
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage: new MemoryStorage() });
    const early = {
      id: 'early',
      conversationId: 'not-yet',
      projectId: 'p1',
      role: 'user' as const,
      content: 'arrived first',
      status: 'complete' as const,
      parentId: null,
      createdAt: 1,
      updatedAt: 1,
    };
    await db.applyRemote(
      [
        {
          kind: 'message',
          id: 'early',
          projectId: 'p1',
          hlc: '000000000000010:00000:remote',
          deleted: false,
          data: early,
          version: 1,
        },
      ],
      'c1',
    );
    expect(await db.pendingCount()).toBe(0);
    await db.resetSyncState();
    expect(await db.pendingChanges(10)).toEqual([
      {
        kind: 'message',
        id: 'early',
        projectId: 'p1',
        hlc: '000000000000010:00000:remote',
        deleted: false,
        data: early,
      },
    ]);
  });

  it('a quota failure during applyRemote keeps the old cursor and every record as it was', async () => {
    const storage = new MemoryStorage(40_000);
    const db = await LocalStorageAdapter.open({ dbName: 'main', storage });
    await db.applyRemote([], 'before');
    const before = storage.snapshot();
    const big = {
      id: 'm1',
      conversationId: 'c1',
      projectId: 'p1',
      role: 'assistant' as const,
      content: 'x'.repeat(30_000),
      status: 'complete' as const,
      parentId: null,
      createdAt: 1,
      updatedAt: 1,
    };
    await expectStorageError(
      db.applyRemote(
        [
          {
            kind: 'message',
            id: 'm1',
            projectId: 'p1',
            hlc: '000000000000010:00000:remote',
            deleted: false,
            data: big,
            version: 2,
          },
        ],
        'after',
      ),
      'quota-exceeded',
    );
    expect(storage.snapshot()).toEqual(before);
    expect(await db.getCursor()).toBe('before');
  });
});
