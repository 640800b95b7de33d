// Records are stored and returned exactly as sent: the data text a pull
// answers is byte for byte the text pushed, or the change is rejected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  messageChangeText,
  pullAll,
  pullText,
  pushBody,
  pushText,
  signup,
  stamp,
  startTestServer,
  type TestServer,
} from '../helpers.js';

let server: TestServer;
let token: string;
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await signup(server.url));
});
afterAll(async () => {
  await server?.stop();
});

/** Every record the account has, by id. */
async function storedIds() {
  return (await pullAll(server.url, token)).changes.map((c) => c.id);
}

/** Pushes message `id` whose data is `data` (JSON text); answers the text of the pull page holding it, and the record. */
async function roundTrip(id: string, data: string) {
  const { cursor } = await pullAll(server.url, token);
  const pushed = await pushText(server.url, token, pushBody([messageChangeText(id, stamp(t0), data)]));
  expect(pushed.status).toBe(200);
  expect(pushed.body.results[0]).toMatchObject({ status: 'applied' });
  const pulled = await pullText(server.url, token, `?since=${cursor}`);
  expect(pulled.status).toBe(200);
  return { text: pulled.text, change: JSON.parse(pulled.text).changes[0] };
}

describe('records as sent', () => {
  it('data comes back byte-identical: spacing, key order, escapes and number spellings kept', async () => {
    const data =
      '{ "b" : 1.50, "a":[ 1e2,-0, 12345678901234567890123 ],\n\t"id":"m1", "s":"caf\\u00e9 \\/ \\ud83d\\ude00",' +
      ' "conversationId" :"c-text", "u":"\\ud800" , "dup":1, "dup":2, "empty":{} , "n":null}';
    const { text } = await roundTrip('m1', data);
    expect(text).toContain(`"data":${data},`);
  });

  it('a top-level "__proto__" key survives (the issue: it was dropped)', async () => {
    const data =
      '{"id":"m-proto","conversationId":"c-text","__proto__":{"polluted":true},"constructor":{"x":1}}';
    const { text, change } = await roundTrip('m-proto', data);
    expect(text).toContain(data);
    expect(Object.getOwnPropertyDescriptor(change.data, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('non-ASCII text and astral characters come back unchanged', async () => {
    const data = JSON.stringify({
      id: 'm-text',
      conversationId: 'c-text',
      content: '会话 🗂️ ñ\u2028\u2029 \u0000',
    });
    const { change, text } = await roundTrip('m-text', data);
    expect(text).toContain(data);
    expect(JSON.stringify(change.data)).toBe(data);
  });

  it('a repeated push of the same stamp keeps the first text (retries are no-ops)', async () => {
    const hlc = stamp(t0 + 1);
    const first = '{"id":"m-retry","conversationId":"c-text","v":1}';
    await pushText(server.url, token, pushBody([messageChangeText('m-retry', hlc, first)]));
    const again = await pushText(
      server.url,
      token,
      pushBody([messageChangeText('m-retry', hlc, '{"id":"m-retry","conversationId":"c-text","v":2}')]),
    );
    expect(again.body.results[0]!.status).toBe('applied');
    const text = (await pullText(server.url, token)).text;
    expect(text).toContain(first);
    expect(text).not.toContain('"v":2');
  });

  it('malformed JSON in data is refused as a whole (400), never stored in part', async () => {
    for (const data of ['{"id":"m-bad",}', '{"x":01}', '{"x":"\\x"}', '{"x":tru}', '{"x":"a\tb"}']) {
      const res = await pushText(server.url, token, pushBody([messageChangeText('m-bad', stamp(t0), data)]));
      expect(res.status, data).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid-json' } });
    }
    expect(await storedIds()).not.toContain('m-bad');
  });

  it('a body that is not UTF-8 is refused (400) instead of stored with replacement characters', async () => {
    const [before, after] = pushBody([messageChangeText('m-utf8', stamp(t0), '{"x":"@"}')]).split('@');
    const body = Buffer.concat([Buffer.from(before!), Buffer.from([0xff, 0xfe]), Buffer.from(after!)]);
    const res = await fetch(`${server.url}/v1/sync/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid-json' } });
    expect(await storedIds()).not.toContain('m-utf8');
  });

  it('data whose id or projectId differs from the change is rejected, not stored', async () => {
    const res = await pushText(
      server.url,
      token,
      pushBody([
        messageChangeText('m-other1', stamp(t0), '{"id":"m2"}'),
        messageChangeText('m-other2', stamp(t0), '{"projectId":"elsewhere"}'),
        messageChangeText('m-other3', stamp(t0), '{"id":4}'),
      ]),
    );
    expect(res.body.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(res.body.results[2]!.reason).toMatch(/data\.id \(not a string\)/);
    expect((await storedIds()).filter((id) => id.startsWith('m-other'))).toEqual([]);
  });
});
