// @vitest-environment node
// What the share page shows for each kind of link, against the real sync
// server on loopback: the conversation, or why not (withdrawn, unknown, no
// key, a wrong key, no server).
import {
  type ChatStorageAdapter,
  createShareClient,
  createShareLink,
  createSyncClient,
} from '@chatkeep/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { type RunningSyncServer, startSyncServer } from '../../test/sync-server.js';
import { loadShare } from './load-share.js';

let server: RunningSyncServer;
let storage: ChatStorageAdapter;
let token: string;

beforeAll(async () => {
  server = await startSyncServer();
  ({ token } = await createSyncClient({ serverUrl: server.url }).signup(
    `sharer-${Date.now().toString(36)}`,
    'long enough password',
  ));
  storage = await openTestStorage();
  await storage.createConversation({ id: 'c1', projectId: 'default', title: 'Lisbon plans' });
  await storage.saveMessage({
    id: 'q',
    conversationId: 'c1',
    projectId: 'default',
    role: 'user',
    content: 'Where to eat?',
  });
  await storage.saveMessage({
    id: 'a',
    conversationId: 'c1',
    projectId: 'default',
    role: 'assistant',
    content: 'Try **Time Out Market**.',
  });
});
afterAll(async () => {
  await storage?.close();
  await server?.close();
});

const share = () => createShareLink(storage, { conversationId: 'c1', serverUrl: server.url, token });
const withoutKey = (url: string) => url.replace(/#.*$/, '');

describe('the share page', () => {
  it('a whole link opens the conversation as shared', async () => {
    const { url } = await share();
    const state = await loadShare(url);
    expect(state.kind).toBe('ready');
    if (state.kind !== 'ready') return;
    expect(state.shared.conversation.title).toBe('Lisbon plans');
    expect(state.shared.activeBranch.map((m) => m.content)).toEqual([
      'Where to eat?',
      'Try **Time Out Market**.',
    ]);
  });

  it('a link without its key, or with another key, says so and what to do', async () => {
    const { url } = await share();
    expect(await loadShare(withoutKey(url))).toMatchObject({
      problem: 'no-key',
      message: expect.stringMatching(/Ask the person who shared it for the whole link/),
    });
    expect(await loadShare(`${withoutKey(url)}#${'A'.repeat(43)}`)).toMatchObject({
      problem: 'wrong-key',
      message: expect.stringMatching(/cannot be opened with this link/),
    });
    expect(await loadShare(`${url.slice(0, -5)}`)).toMatchObject({
      problem: 'wrong-key',
      message: expect.stringMatching(/Copy the whole link/),
    });
  });

  it('a revoked link says it was withdrawn; an unknown one that there is nothing there', async () => {
    const { url, id } = await share();
    await createShareClient({ serverUrl: server.url }).revoke(token, id);
    expect(await loadShare(url)).toMatchObject({
      problem: 'withdrawn',
      title: 'This link was withdrawn',
      message: expect.stringMatching(/withdrawn by the person who shared it/),
    });
    expect(await loadShare(`${server.url}/s/${'B'.repeat(22)}#${'A'.repeat(43)}`)).toMatchObject({
      problem: 'not-found',
      message: expect.stringMatching(/Check that the whole link was copied/),
    });
  });

  it('an address that is not a share link, or a server that does not answer, is told plainly', async () => {
    expect(await loadShare(`${server.url}/c/abc`)).toMatchObject({ problem: 'not-a-link' });
    expect(await loadShare(`http://127.0.0.1:9/s/${'B'.repeat(22)}#${'A'.repeat(43)}`)).toMatchObject({
      problem: 'unreachable',
      message: expect.stringMatching(/Could not reach/),
    });
  });
});
