// @vitest-environment node
// The per-endpoint settings in the request, the context limit, and what an
// unreachable endpoint leaves behind.
import { heartbeatStreamLocks } from '@chatkeep/storage';
import { APIConnectionError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import { MemoryStorage } from '../../test/memory-storage.js';
import { openTestStorage } from '../../test/storage.js';
import { runAnswer, sendUserMessage, type TurnOptions } from '../chat/run-turn.js';
import {
  createOpenAICompatibleAssistant,
  describeEndpointError,
  type OpenAICompatibleSettings,
} from './openai-compatible.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

async function ask(
  settings: Partial<OpenAICompatibleSettings>,
  extra: Partial<TurnOptions> = {},
  text = 'hi',
) {
  const storage = await openTestStorage();
  const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
  const before = server.requests.length;
  const { outcome } = await sendUserMessage({
    storage,
    locks: heartbeatStreamLocks({ storage: new MemoryStorage() }),
    assistant: createOpenAICompatibleAssistant({
      baseURL: server.url,
      apiKey: 'k',
      model: 'fake-model',
      tools: false,
      ...settings,
    }),
    conversationId,
    projectId: 'p',
    signal: new AbortController().signal,
    text,
    ...extra,
  });
  const result = await outcome;
  return { storage, conversationId, result, requests: server.requests.slice(before) };
}

describe('the request carries the endpoint settings', () => {
  it('sends the system prompt first, then temperature and max tokens', async () => {
    const { result, requests } = await ask({
      systemPrompt: ' Answer in French. ',
      temperature: 0.3,
      maxTokens: 64,
    });
    expect(result).toEqual({ status: 'complete' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      model: 'fake-model',
      temperature: 0.3,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'hi' },
      ],
    });
  });

  it('leaves out what is not set, so that the endpoint defaults apply', async () => {
    const { requests } = await ask({ systemPrompt: '' });
    expect(requests[0]!.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(requests[0]).not.toHaveProperty('temperature');
    expect(requests[0]).not.toHaveProperty('max_tokens');
  });

  it('sends only as many of the newest messages as the context limit allows', async () => {
    const storage = await openTestStorage();
    const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
    for (let i = 0; i < 6; i++) {
      await storage.saveMessage({
        id: `m${i}`,
        conversationId,
        projectId: 'p',
        role: 'user',
        content: `n${i}`,
      });
    }
    const before = server.requests.length;
    await runAnswer({
      storage,
      locks: heartbeatStreamLocks({ storage: new MemoryStorage() }),
      assistant: createOpenAICompatibleAssistant({
        baseURL: server.url,
        apiKey: '',
        model: 'fake-model',
        tools: false,
      }),
      conversationId,
      projectId: 'p',
      signal: new AbortController().signal,
      contextMessages: 3,
    });
    expect(server.requests[before]!.messages.map((m) => m.content)).toEqual(['n3', 'n4', 'n5']);
  });
});

describe('an endpoint out of reach', () => {
  const nowhere = { baseURL: 'http://127.0.0.1:9/v1' };

  it('when the question can wait, no failed answer is kept', async () => {
    const { storage, conversationId, result } = await ask(nowhere, { queueWhenUnreachable: true });
    expect(result).toEqual({ status: 'unreachable', error: expect.stringMatching(/Could not reach/) });
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => m.role)).toEqual(['user']);
  });

  it('otherwise the answer is saved as an error, as before', async () => {
    const { storage, conversationId, result } = await ask(nowhere);
    expect(result.status).toBe('error');
    const messages = await storage.loadConversation(conversationId);
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'error' });
  });

  it('gives no CORS hint while the browser knows it is offline', () => {
    const error = new APIConnectionError({ message: 'Connection error.' });
    expect(describeEndpointError(error, 'http://127.0.0.1:8822/v1', false)).toBe(
      'You are offline: http://127.0.0.1:8822/v1 cannot be reached until the network is back.',
    );
    expect(describeEndpointError(error, 'http://127.0.0.1:8822/v1', true)).toMatch(/CORS/);
  });
});
