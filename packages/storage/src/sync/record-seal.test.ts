import { describe, expect, it } from 'vitest';
import { generateDataKeyBytes, importDataKey } from '../crypto/data-key.js';
import type { RecordChange, ServerRecordChange } from '../types.js';
import { parseRemoteChanges } from './protocol.js';
import { RecordSeal } from './record-seal.js';

const HLC = '001700000000000:00000:client01';

function message(i: number): RecordChange {
  const id = `m${i}`;
  return {
    kind: 'message',
    id,
    projectId: 'p1',
    hlc: HLC,
    deleted: false,
    data: {
      id,
      conversationId: 'c1',
      projectId: 'p1',
      role: 'user',
      content: `message number ${i}`,
      status: 'complete',
      createdAt: 1_700_000_000_000 + i,
      updatedAt: 1_700_000_000_000 + i,
      parentId: null,
    },
  } as RecordChange;
}

async function sealed(seal: RecordSeal, changes: RecordChange[]): Promise<ServerRecordChange[]> {
  return (await seal.sealAll(changes)).map((c, i) => ({ ...c, version: i + 1 }) as ServerRecordChange);
}

describe('RecordSeal', () => {
  it('sealAll and openAll keep the order of a page larger than one group', async () => {
    const seal = new RecordSeal(await importDataKey(generateDataKeyBytes()));
    const changes = Array.from({ length: 100 }, (_, i) => message(i));
    const opened = await seal.openAll(await sealed(seal, changes));
    expect(opened.map((r) => (r.ok ? r.change.data : r.message))).toEqual(changes.map((c) => c.data));
  });

  it('sealAll and openAll keep the order when records of very different sizes finish out of order', async () => {
    const seal = new RecordSeal(await importDataKey(generateDataKeyBytes()));
    const changes = Array.from({ length: 150 }, (_, i) => {
      const change = message(i);
      const data = change.data as { content: string };
      // Every third record is about 200 KB: its WebCrypto call ends well after its small neighbours'.
      if (i % 3 === 0) data.content = `${i} `.repeat(100_000);
      return change;
    });
    const sealedChanges = await sealed(seal, changes);
    expect(sealedChanges.map((c) => c.id)).toEqual(changes.map((c) => c.id));
    const opened = await seal.openAll(sealedChanges);
    expect(opened.map((r) => (r.ok ? r.change.data : r.message))).toEqual(changes.map((c) => c.data));
  });

  it('sealAll fails as a whole when one record cannot be sealed', async () => {
    const seal = new RecordSeal(await importDataKey(generateDataKeyBytes()));
    const changes = Array.from({ length: 100 }, (_, i) => message(i));
    // A BigInt has no JSON form: the record's encryption throws.
    (changes[70]!.data as unknown as { createdAt: unknown }).createdAt = 1n;
    await expect(seal.sealAll(changes)).rejects.toThrow(/BigInt/);
  });

  it('an opened record is checked once: applying it takes it as it is, a changed copy is checked again', async () => {
    const seal = new RecordSeal(await importDataKey(generateDataKeyBytes()));
    const [result] = await seal.openAll(await sealed(seal, [message(1)]));
    if (!result?.ok) throw new Error('did not open');
    expect(parseRemoteChanges([result.change])[0]).toBe(result.change);
    const altered = { ...result.change, data: { ...result.change.data, role: 'boss' } };
    expect(() => parseRemoteChanges([altered])).toThrow(/role/);
  });

  it('an envelope that is not well formed is malformed, a record without one is plaintext: neither applies', async () => {
    const seal = new RecordSeal(await importDataKey(generateDataKeyBytes()));
    const [good] = await sealed(seal, [message(1)]);
    const data = good!.data as unknown as Record<string, unknown>;
    const results = await seal.openAll([
      { ...good!, data: { ...data, note: 'plaintext riding along' } } as unknown as ServerRecordChange,
      { ...good!, data: { ...data, iv: '!!!!!!!!!!!!!!!!' } } as unknown as ServerRecordChange,
      { ...good!, data: message(1).data } as ServerRecordChange,
    ]);
    expect(results.map((r) => (r.ok ? 'opened' : r.failure))).toEqual([
      'malformed',
      'malformed',
      'plaintext',
    ]);
  });
});
