// The controller's offline path: a message to a remote model written offline
// is saved at once, marked and listed, and sent once later.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import { openTestStorage } from '../../test/storage.js';
import { DEFAULT_ENDPOINT, useAssistantSettings } from '../assistants/assistant-settings.js';
import { sendMessage, sendQueued, useStreams } from './chat-controller.js';
import { queuedMark } from './outbox.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());
afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

const useEndpoint = (baseURL: string) =>
  useAssistantSettings
    .getState()
    .save('openai', { ...DEFAULT_ENDPOINT, baseURL, model: 'fake-model', tools: false });

async function answered(conversationId: string) {
  await vi.waitFor(() => expect(useStreams.getState().live[conversationId]).toBeUndefined(), {
    timeout: 10_000,
  });
}

describe('sending while offline', () => {
  it('saves the message at once as waiting, asks nothing of the endpoint, and sends it once when asked', async () => {
    const storage = await openTestStorage();
    useEndpoint('https://api.example.test/v1');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const before = server.requests.length;

    const conversationId = await sendMessage(storage, {
      projectId: 'p',
      conversationId: null,
      text: 'written offline',
    });

    const [saved, ...rest] = await storage.loadConversation(conversationId);
    expect(rest).toEqual([]);
    expect(saved).toMatchObject({ role: 'user', content: 'written offline', status: 'complete' });
    expect(queuedMark(saved!)).toBeDefined();
    expect(useStreams.getState().live[conversationId]).toBeUndefined();

    // Back online; the endpoint in use when it goes is the one that answers.
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    useEndpoint(server.url);
    expect(await sendQueued(storage)).toBe(1);
    await answered(conversationId);
    expect(await sendQueued(storage)).toBe(0);

    expect(server.requests.length - before).toBe(1);
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(queuedMark(messages[0]!)).toBeUndefined();
    await storage.close();
  });

  it('a question to an endpoint that cannot be reached waits, with the reason, and no failed answer', async () => {
    const storage = await openTestStorage();
    useEndpoint('http://127.0.0.1:9/v1');
    const conversationId = await sendMessage(storage, {
      projectId: 'p',
      conversationId: null,
      text: 'anyone there?',
    });
    await answered(conversationId);
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => m.role)).toEqual(['user']);
    expect(queuedMark(messages[0]!)?.reason).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:9\/v1/);
    await storage.close();
  });
});
