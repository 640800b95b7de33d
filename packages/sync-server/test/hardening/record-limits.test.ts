// Protocol 1.1 limits on what one change may hold: record size, nesting
// depth and ids. A change beyond them is rejected with a reason while the
// rest of its batch applies; the server never answers 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DATA_DEPTH, MAX_RECORD_BYTES } from '../../src/protocol.js';
import {
  conversationChange,
  messageChangeText,
  pullAll,
  push,
  pushBody,
  pushText,
  request,
  signup,
  stamp,
  startTestServer,
  type TestServer,
} from '../helpers.js';

let server: TestServer;
let token: string;
const t0 = Date.now() - 60_000;
let n = 0;
const fresh = (prefix: string) => `${prefix}-${++n}`;

beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await signup(server.url));
});
afterAll(async () => {
  await server?.stop();
});

/** Pushes `changes` (JSON text) followed by a valid conversation; answers the results of `changes`. */
async function pushWithSibling(changes: string[]) {
  const sibling = fresh('c-sibling');
  const res = await pushText(
    server.url,
    token,
    pushBody([...changes, JSON.stringify(conversationChange(sibling, stamp(t0)))]),
  );
  expect(res.status).toBe(200);
  const results = res.body.results;
  expect(results.at(-1)).toMatchObject({ id: sibling, status: 'applied' });
  return results.slice(0, -1);
}

/** `levels` nested arrays inside the data object: data nests levels + 1 deep. */
const nestedData = (id: string, levels: number) =>
  `{"id":${JSON.stringify(id)},"conversationId":"c-text","toolResult":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('record size', () => {
  it('a push body of almost 16 MiB is accepted, with records up to 4 MiB each', async () => {
    const content = 'r'.repeat(MAX_RECORD_BYTES - 400);
    const changes = [0, 1, 2, 3].map((i) => {
      const id = fresh(`m-4mib-${i}`);
      return messageChangeText(id, stamp(t0), JSON.stringify({ id, conversationId: 'c-text', content }));
    });
    const body = pushBody(changes);
    expect(body.length).toBeGreaterThan(15.99 * 1024 * 1024);
    expect(body.length).toBeLessThanOrEqual(16 * 1024 * 1024);
    const res = await pushText(server.url, token, body);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('a record one byte over 4 MiB is rejected with its size, the rest of the batch applies', async () => {
    const id = fresh('m-over');
    const skeleton = JSON.stringify({ id, conversationId: 'c-text', content: '' });
    const data = JSON.stringify({
      id,
      conversationId: 'c-text',
      content: 'o'.repeat(MAX_RECORD_BYTES + 1 - skeleton.length),
    });
    expect(data.length).toBe(MAX_RECORD_BYTES + 1);
    const [result] = await pushWithSibling([messageChangeText(id, stamp(t0), data)]);
    expect(result).toMatchObject({ id, status: 'rejected' });
    expect(result!.reason).toMatch(/4194305 bytes.*at most 4194304 bytes \(4 MiB\)/);
    // The figures for programs: a client words them in its own language.
    expect(result).toMatchObject({ code: 'too-large', size: MAX_RECORD_BYTES + 1, limit: MAX_RECORD_BYTES });
  });
});

describe('a server set to take smaller records (CHATKEEP_MAX_RECORD_BYTES)', () => {
  it('refuses a record one byte over its own limit and names that limit', async () => {
    const small = await startTestServer({ maxRecordBytes: 64 * 1024 });
    try {
      const { token: own } = await signup(small.url);
      const fits = fresh('m-fits');
      const over = fresh('m-over-small');
      const record = (id: string, size: number) => {
        const skeleton = JSON.stringify({ id, conversationId: 'c-text', content: '' });
        return JSON.stringify({ id, conversationId: 'c-text', content: 'x'.repeat(size - skeleton.length) });
      };
      const res = await pushText(
        small.url,
        own,
        pushBody([
          messageChangeText(fits, stamp(t0), record(fits, 64 * 1024)),
          messageChangeText(over, stamp(t0), record(over, 64 * 1024 + 1)),
        ]),
      );
      expect(res.status).toBe(200);
      const [applied, refused] = res.body.results;
      expect(applied).toMatchObject({ id: fits, status: 'applied' });
      expect(refused).toMatchObject({
        id: over,
        status: 'rejected',
        code: 'too-large',
        size: 65537,
        limit: 65536,
      });
      expect(refused!.reason).toMatch(/65537 bytes.*at most 65536 bytes \(64 KiB\)/);
    } finally {
      await small.stop();
    }
  });
});

describe('nesting depth', () => {
  it(`data nesting ${MAX_DATA_DEPTH} levels is applied; ${MAX_DATA_DEPTH + 1} is rejected with a reason`, async () => {
    const fits = fresh('m-deep-ok');
    const over = fresh('m-deep-over');
    const results = await pushWithSibling([
      messageChangeText(fits, stamp(t0), nestedData(fits, MAX_DATA_DEPTH - 1)),
      messageChangeText(over, stamp(t0), nestedData(over, MAX_DATA_DEPTH)),
    ]);
    expect(results[0]).toMatchObject({ id: fits, status: 'applied' });
    expect(results[1]).toMatchObject({ id: over, status: 'rejected' });
    expect(results[1]!.reason).toMatch(/nests 101 levels deep; data may nest at most 100 levels/);
    expect(results[1]).toMatchObject({ code: 'too-deep', size: 101, limit: MAX_DATA_DEPTH });
  });

  it('a 10,000-level nesting is rejected without failing its batch (the issue: a 500 lost the sibling)', async () => {
    const deep = fresh('m-10k');
    const objects = fresh('m-10k-objects');
    const deepObjects = `{"id":${JSON.stringify(objects)},"conversationId":"c-text","x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const results = await pushWithSibling([
      messageChangeText(deep, stamp(t0), nestedData(deep, 10_000)),
      messageChangeText(objects, stamp(t0), deepObjects),
    ]);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      [deep, 'rejected'],
      [objects, 'rejected'],
    ]);
    expect(results[0]!.reason).toMatch(/10001 levels/);
  });

  it('a million-level nesting filling the body is still an answer, not a crash', async () => {
    const id = fresh('m-1m');
    const res = await pushText(
      server.url,
      token,
      pushBody([messageChangeText(id, stamp(t0), nestedData(id, 1_000_000))]),
    );
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ id, status: 'rejected' });
    expect((await request(server.url, 'GET', '/v1/health')).status).toBe(200);
  });

  it('nesting outside data (in an unknown envelope field) is skipped without recursion too', async () => {
    const id = fresh('c-extra');
    const change = JSON.stringify(conversationChange(id, stamp(t0))).replace(
      /^\{/,
      `{"extra":${'['.repeat(100_000)}${']'.repeat(100_000)},`,
    );
    const res = await pushText(server.url, token, pushBody([change]));
    expect(res.body.results[0]).toMatchObject({ id, status: 'applied' });
  });
});

describe('ids', () => {
  it('ids with lone surrogates are rejected (the issue: three ids came back as one)', async () => {
    // JSON.stringify writes lone surrogates as \u escapes: the server gets exactly these ids.
    const ids = ['sur\ud800', 'sur\udbff', 'sur\udfff', '\udc00lead'];
    const results = await pushWithSibling(ids.map((id) => JSON.stringify(conversationChange(id, stamp(t0)))));
    expect(results.map((r) => [r.id, r.status])).toEqual(ids.map((id) => [id, 'rejected']));
    expect(results[0]!.reason).toMatch(/id must be well-formed Unicode/);
    const stored = (await pullAll(server.url, token)).changes.map((c) => c.id);
    expect(stored.filter((id) => id.startsWith('sur') || id.endsWith('lead'))).toEqual([]);
  });

  it('ids with control characters are rejected, in id, projectId and conversationId alike', async () => {
    const tab = conversationChange('tab\there', stamp(t0));
    const project = { ...conversationChange(fresh('c-proj'), stamp(t0)), projectId: 'p\u0085' };
    (project.data as Record<string, unknown>).projectId = 'p\u0085';
    const message = messageChangeText(fresh('m-conv'), stamp(t0), '{"text":"x"}', 'conv\u0000');
    const results = await pushWithSibling([JSON.stringify(tab), JSON.stringify(project), message]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.map((r) => r.code)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(results.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^Malformed change: id must not contain control characters/),
      expect.stringMatching(/^Malformed change: projectId must not contain control characters/),
      expect.stringMatching(/^Malformed change: conversationId must not contain control characters/),
    ]);
  });

  it('ids are 1 to 200 characters, counted as code points', async () => {
    const emoji = `${'🗂️'.repeat(66)}ab`; // 200 code points, 266 UTF-16 units
    const long = 'x'.repeat(201);
    const results = await pushWithSibling([
      JSON.stringify(conversationChange(emoji, stamp(t0))),
      JSON.stringify(conversationChange(long, stamp(t0))),
      JSON.stringify(conversationChange('', stamp(t0))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected']);
    expect(results[1]!.reason).toMatch(/at most 200 characters \(it has 201\)/);
    expect(results[2]!.reason).toMatch(/id must not be empty/);
  });

  it('a 15 MiB id is rejected and echoed back cut to 200 characters', async () => {
    const huge = 'é'.repeat(15 * 1024 * 512); // 15 MiB of UTF-8
    const res = await push(server.url, token, [
      { ...conversationChange('c', stamp(t0)), id: huge, data: {} },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results[0]!.status).toBe('rejected');
    expect(res.body.results[0]!.id).toBe(`${'é'.repeat(200)}…`);
    expect(JSON.stringify(res.body).length).toBeLessThan(2000);
  });
});
