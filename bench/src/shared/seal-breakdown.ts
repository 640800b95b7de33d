// Where a record's sealing and opening spends its time, per record, in
// whatever runtime runs it (Chromium's bench page, or Node): the whole
// RecordSeal.sealAll / openAll as the engine calls them, next to each part
// alone over the same records (the WebCrypto call at a few concurrencies,
// JSON, base64url, the envelope and record checks). Wall time of the main
// thread's view, single runs over a few thousand records after one warm-up.
import { formatHlc, type RecordChange, RecordSeal, type ServerRecordChange } from '@chatkeep/storage';
import {
  base64urlCodecs,
  createKeyMaterial,
  decodeBase64url,
  encryptedDataSchema,
  toBase64url,
} from '@chatkeep/storage/crypto';
import { parseRemoteChanges } from '@chatkeep/storage/protocol';
import { conversationsOf, type DatasetSpec } from './dataset.js';

/** Microseconds per record of each part. */
export type SealBreakdown = Record<string, number>;

function sampleChanges(spec: DatasetSpec, count: number): RecordChange[] {
  const changes: RecordChange[] = [];
  let counter = 0;
  const hlc = () => formatHlc({ ms: 1_800_000_000_000, counter: counter++, clientId: 'breakdown' });
  for (const { conversation, messages } of conversationsOf(spec)) {
    for (const data of [conversation, ...messages]) {
      if (changes.length >= count) return changes;
      const kind = data === conversation ? 'conversation' : 'message';
      changes.push({
        kind,
        id: data.id,
        projectId: data.projectId,
        hlc: hlc(),
        deleted: false,
        data,
      } as RecordChange);
    }
  }
  return changes;
}

/** Groups of `size`, each awaited before the next starts. */
async function inGroups<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** `size` in flight at all times: each one done starts the next. */
async function inFlight<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

export async function sealBreakdown(spec: DatasetSpec, count = 2_000): Promise<SealBreakdown> {
  const { dataKey } = await createKeyMaterial('breakdown passphrase', { iterations: 1_000 });
  const changes = sampleChanges(spec, count);
  const out: SealBreakdown = {};
  // The median of 5 timed runs after one warm-up: the machine is shared.
  const time = async (name: string, work: () => unknown) => {
    await work();
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      await work();
      runs.push(((performance.now() - t) * 1000) / changes.length);
    }
    out[name] = runs.sort((a, b) => a - b)[2]!;
  };
  const encoder = new TextEncoder();
  const aad = encoder.encode(JSON.stringify(['chatkeep/record', 1, 'message', 'x', 'y']));
  const iv = new Uint8Array(12);
  const plains = changes.map((c) => encoder.encode(JSON.stringify(c.data)));
  const seal = new RecordSeal(dataKey);
  let sealed: ServerRecordChange[] = [];
  await time('sealAll (whole)', async () => {
    sealed = (await seal.sealAll(changes)).map((c, i) => ({ ...c, version: i + 1 }) as ServerRecordChange);
  });
  await time('openAll (whole)', async () => {
    const opened = await seal.openAll(sealed);
    if (opened.some((r) => !r.ok)) throw new Error('a record did not open');
  });
  await time('plaintext check of the same records (parseRemoteChanges, one page)', () =>
    // Fresh objects: a change checked before is taken as it is.
    parseRemoteChanges(changes.map((c, i) => ({ ...c, version: i + 1 }))),
  );
  await time('parseRemoteChanges one record at a time', () =>
    changes.map((c, i) => parseRemoteChanges([{ ...c, version: i + 1 }])),
  );
  let cts: Uint8Array<ArrayBuffer>[] = [];
  const schedules = [
    ['groups of 32', (work: (p: Uint8Array<ArrayBuffer>) => Promise<unknown>) => inGroups(plains, 32, work)],
    ...[1, 8, 32, 128].map(
      (n) =>
        [
          `${n} in flight`,
          (work: (p: Uint8Array<ArrayBuffer>) => Promise<unknown>) => inFlight(plains, n, work),
        ] as const,
    ),
    [
      'all at once',
      (work: (p: Uint8Array<ArrayBuffer>) => Promise<unknown>) => inGroups(plains, plains.length, work),
    ],
  ] as const;
  for (const [how, schedule] of schedules) {
    await time(`encrypt alone, ${how}`, async () => {
      const next: Uint8Array<ArrayBuffer>[] = [];
      await schedule(async (plain) => {
        next.push(
          new Uint8Array(
            await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, dataKey.record, plain),
          ),
        );
      });
      cts = next;
    });
  }
  const decrypt = (ct: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, dataKey.record, ct);
  await time('decrypt alone, groups of 32', () => inGroups(cts, 32, decrypt));
  for (const n of [8, 32, 128]) await time(`decrypt alone, ${n} in flight`, () => inFlight(cts, n, decrypt));
  await time('JSON.stringify + TextEncoder', () =>
    changes.map((c) => encoder.encode(JSON.stringify(c.data))),
  );
  const decoder = new TextDecoder();
  await time('TextDecoder + JSON.parse', () => plains.map((p) => JSON.parse(decoder.decode(p))));
  let texts: string[] = [];
  await time('toBase64url of the ciphertexts', () => {
    texts = cts.map((ct) => toBase64url(ct));
  });
  await time('decodeBase64url of the ciphertexts', () => texts.map((t) => decodeBase64url(t)));
  // Each codec this runtime has (the first is the one in use).
  for (const codec of base64urlCodecs) {
    await time(`base64url encode + decode with ${codec.name}`, () =>
      cts.map((ct) => codec.decode(codec.encode(ct))),
    );
  }
  const envelopes = sealed.map((c) => c.data);
  await time('envelope check (encryptedDataSchema)', () =>
    envelopes.map((e) => encryptedDataSchema.safeParse(e)),
  );
  await time('getRandomValues (IV)', () => changes.map(() => crypto.getRandomValues(new Uint8Array(12))));
  return out;
}
