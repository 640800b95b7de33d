// The client's check of pulled records: large pages in slices, and records
// already checked passed on as they are.
import { describe, expect, it } from 'vitest';
import { put, remoteMessage } from '../contract/apply-remote.js';
import { remoteStamp } from '../contract/context.js';
import { parseRemoteChangesInSlices } from './protocol.js';

const page = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    put(remoteMessage({ id: `m${i}`, conversationId: 'c1', parentId: null }), remoteStamp(i + 1), i + 1),
  );

describe('parseRemoteChangesInSlices', () => {
  it('checks a large page in slices, pausing between them, and passes its own answer on as it is, at once', async () => {
    let pauses = 0;
    const pause = async () => {
      pauses += 1;
    };
    const checked = await parseRemoteChangesInSlices(page(1000), undefined, pause);
    expect(checked).toHaveLength(1000);
    expect(pauses).toBe(3);

    const again = await parseRemoteChangesInSlices(checked, undefined, pause);
    expect(again).toEqual(checked);
    expect(again.every((c, i) => c === checked[i])).toBe(true);
    expect(pauses).toBe(3);

    // One record not checked yet: the page is sliced again, and the bad one refused.
    const mixed = [...checked, { ...checked[0]!, kind: 'note' }];
    await expect(parseRemoteChangesInSlices(mixed, undefined, pause)).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect(pauses).toBe(7);
  });
});
