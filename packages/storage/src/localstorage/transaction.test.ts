import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { KeyValueTx } from './transaction.js';

const json = (chars: number) => JSON.stringify('x'.repeat(chars));

describe('KeyValueTx', () => {
  it('a transaction sees its own buffered writes and writes nothing before commit', () => {
    const storage = new MemoryStorage();
    const tx = new KeyValueTx(storage);
    tx.set('a', { n: 1 });
    expect(tx.get('a')).toEqual({ n: 1 });
    expect(storage.getItem('a')).toBeNull();
    tx.commit();
    expect(storage.getItem('a')).toBe('{"n":1}');
  });

  it('removing a key and listing keys by prefix reflect buffered writes', () => {
    const storage = new MemoryStorage();
    storage.setItem('p:1', '1');
    storage.setItem('p:2', '2');
    storage.setItem('q:1', '3');
    const tx = new KeyValueTx(storage);
    tx.delete('p:1');
    tx.set('p:3', 3);
    expect(tx.keysWithPrefix('p:').sort()).toEqual(['p:2', 'p:3']);
    tx.commit();
    expect(storage.snapshot()).toEqual({ 'p:2': '2', 'q:1': '3', 'p:3': '3' });
  });

  it('a quota failure on the last key puts every earlier key back, byte for byte', () => {
    // Budget: fits the starting state, and the first two writes, but not the third.
    const storage = new MemoryStorage(2_000);
    storage.setItem('shrinks', json(400));
    storage.setItem('grows', json(10));
    storage.setItem('removed', json(50));
    const before = storage.snapshot();
    const tx = new KeyValueTx(storage);
    tx.set('shrinks', 'small');
    tx.set('grows', 'y'.repeat(300));
    tx.delete('removed');
    tx.set('new-and-huge', 'z'.repeat(5_000));
    let error: unknown;
    try {
      tx.commit();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChatStorageError);
    expect((error as ChatStorageError).code).toBe('quota-exceeded');
    expect(storage.snapshot()).toEqual(before);
  });

  it('rollback restores grown keys before shrunk ones, so undoing never hits the quota', () => {
    // Exactly full at the start. Shrinking A frees room that B then takes; C fails.
    // Restoring A before B would need more than the budget.
    const storage = new MemoryStorage();
    storage.setItem('A', json(500));
    storage.setItem('B', json(1));
    const full = storage.usedBytes;
    const tight = new MemoryStorage(full);
    for (const [k, v] of Object.entries(storage.snapshot())) tight.setItem(k, v);
    const before = tight.snapshot();
    const tx = new KeyValueTx(tight);
    tx.set('A', '');
    tx.set('B', 'b'.repeat(480));
    tx.set('C', 'c'.repeat(100));
    expect(() => tx.commit()).toThrowError(expect.objectContaining({ code: 'quota-exceeded' }));
    expect(tight.snapshot()).toEqual(before);
  });

  it('a storage that refuses writes for another reason reports unavailable and changes nothing', () => {
    const storage = new MemoryStorage();
    storage.setItem('a', '1');
    let calls = 0;
    const flaky: Storage = Object.assign(Object.create(storage) as Storage, {
      setItem(key: string, value: string) {
        calls += 1;
        if (calls === 2) throw new DOMException('The operation is insecure.', 'SecurityError');
        storage.setItem(key, value);
      },
    });
    const tx = new KeyValueTx(flaky);
    tx.set('a', 2);
    tx.set('b', 3);
    expect(() => tx.commit()).toThrowError(expect.objectContaining({ code: 'unavailable' }));
    expect(storage.snapshot()).toEqual({ a: '1' });
  });

  it('a key holding invalid JSON is reported as unavailable, naming the key', () => {
    const storage = new MemoryStorage();
    storage.setItem('chatkeep:x:conv:1', '{broken');
    const tx = new KeyValueTx(storage);
    expect(() => tx.get('chatkeep:x:conv:1')).toThrowError(
      expect.objectContaining({ code: 'unavailable', message: expect.stringContaining('chatkeep:x:conv:1') }),
    );
  });

  it('unchanged values are not rewritten', () => {
    const storage = new MemoryStorage();
    storage.setItem('a', '{"n":1}');
    const writes: string[] = [];
    const spy: Storage = Object.assign(Object.create(storage) as Storage, {
      setItem(key: string, value: string) {
        writes.push(key);
        storage.setItem(key, value);
      },
    });
    const tx = new KeyValueTx(spy);
    tx.set('a', tx.get('a'));
    tx.set('b', 1);
    tx.commit();
    expect(writes).toEqual(['b']);
  });
});
