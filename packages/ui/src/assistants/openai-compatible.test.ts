// @vitest-environment node
import { heartbeatStreamLocks, type Message } from '@chatkeep/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TEXT, type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import { MemoryStorage } from '../../test/memory-storage.js';
import { openTestStorage } from '../../test/storage.js';
import { runAnswer, sendUserMessage } from '../chat/run-turn.js';
import { createOpenAICompatibleAssistant, toOpenAIMessages } from './openai-compatible.js';
import type { AssistantEvent } from './types.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

function user(content: string): Message {
  return {
    id: 'u1',
    conversationId: 'c',
    projectId: 'p',
    role: 'user',
    content,
    status: 'complete',
    parentId: null,
    createdAt: 1,
    updatedAt: 1,
  };
}

async function run(model: string, history: Message[]) {
  const assistant = createOpenAICompatibleAssistant({ baseURL: server.url, apiKey: 'k', model, tools: true });
  const events: AssistantEvent[] = [];
  for await (const e of assistant.step({ history, signal: new AbortController().signal })) events.push(e);
  return events;
}

describe('OpenAI-compatible endpoint over SSE', () => {
  it('streams text deltas and reports token usage, which it asks the endpoint for', async () => {
    const events = await run('fake-model', [user('hi')]);
    const text = events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
    expect(text).toBe(FAKE_TEXT);
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(3);
    // The fake endpoint, like OpenAI, reports usage only when the request asks for it.
    expect(events).toContainEqual({ type: 'usage', tokens: { input: 11, output: 7 } });
    const request = server.requests.at(-1)!;
    expect(request.stream_options).toEqual({ include_usage: true });
    expect(request.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('hands on every tool-call delta as the call stands so far, then each call whole and parsed', async () => {
    const events = await run('fake-model', [user('calc please')]);
    const calls = events.filter((e) => e.type === 'tool-call' || e.type === 'tool-call-delta');
    const partial = (index: number, id: string, name: string, args: string) => ({
      type: 'tool-call-delta',
      index,
      call: { id, name, arguments: args },
    });
    expect(calls).toEqual([
      partial(0, 'call_1', 'calculator', ''),
      partial(0, 'call_1', 'calculator', '{"expres'),
      partial(0, 'call_1', 'calculator', '{"expression": "6 * 7"}'),
      {
        type: 'tool-call',
        index: 0,
        call: { id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } },
      },
      partial(1, 'call_2', 'clock', '{}'),
      { type: 'tool-call', index: 1, call: { id: 'call_2', name: 'clock', arguments: {} } },
    ]);
  });

  it('turns an HTTP error into a message that says what to fix', async () => {
    await expect(run('bad-key', [user('hi')])).rejects.toThrow(
      /401.*Incorrect API key provided.*Check the API key/,
    );
  });

  it('reports an error sent in the middle of the stream', async () => {
    const events: AssistantEvent[] = [];
    const assistant = createOpenAICompatibleAssistant({
      baseURL: server.url,
      apiKey: '',
      model: 'broken',
      tools: false,
    });
    await expect(
      (async () => {
        for await (const e of assistant.step({ history: [user('hi')], signal: new AbortController().signal }))
          events.push(e);
      })(),
    ).rejects.toThrow(/The model crashed/);
    expect(events.map((e) => (e.type === 'text' ? e.delta : '')).join('')).toBe(
      'Partial answer before the failure',
    );
  });

  it('says the endpoint is unreachable when nothing listens', async () => {
    const assistant = createOpenAICompatibleAssistant({
      baseURL: 'http://127.0.0.1:9/v1',
      apiKey: '',
      model: 'm',
      tools: false,
    });
    await expect(
      (async () => {
        for await (const _ of assistant.step({
          history: [user('hi')],
          signal: new AbortController().signal,
        })) {
        }
      })(),
    ).rejects.toThrow(/Could not reach http:\/\/127\.0\.0\.1:9\/v1/);
  });
});

describe('history in the chat.completions shape', () => {
  it('sends tool calls with their results and drops calls whose result never came', () => {
    const base = {
      conversationId: 'c',
      projectId: 'p',
      status: 'complete' as const,
      parentId: null,
      createdAt: 1,
      updatedAt: 1,
    };
    const out = toOpenAIMessages([
      { ...base, id: '1', role: 'user', content: 'q' },
      {
        ...base,
        id: '2',
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 't1', name: 'clock', arguments: {} }],
      },
      {
        ...base,
        id: '3',
        role: 'tool',
        content: '',
        toolCallId: 't1',
        toolName: 'clock',
        toolResult: { iso: 'x' },
      },
      {
        ...base,
        id: '4',
        role: 'assistant',
        content: 'cut',
        toolCalls: [{ id: 't2', name: 'clock', arguments: {} }],
      },
    ]);
    expect(out).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'clock', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: '{"iso":"x"}' },
      { role: 'assistant', content: 'cut' },
    ]);
  });
});

describe('the chat loop against the endpoint', () => {
  /** Sends `text` to the fake endpoint's `fake-model`, tools on, through the app's chat loop. */
  function askFakeModel(
    storage: Parameters<typeof sendUserMessage>[0]['storage'],
    conversationId: string,
    text: string,
    signal = new AbortController().signal,
  ) {
    return sendUserMessage({
      storage,
      locks: heartbeatStreamLocks({ storage: new MemoryStorage() }),
      assistant: createOpenAICompatibleAssistant({
        baseURL: server.url,
        apiKey: 'k',
        model: 'fake-model',
        tools: true,
      }),
      conversationId,
      projectId: 'p',
      signal,
      text,
    });
  }

  it('runs the tools the model asks for and sends their results back', async () => {
    const storage = await openTestStorage();
    const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
    const before = server.requests.length;
    const { outcome } = await askFakeModel(storage, conversationId, 'calc 6 * 7 please');
    expect(await outcome).toEqual({ status: 'complete' });
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(messages[1]).toMatchObject({
      metadata: { model: 'fake-model', tokens: { input: 11, output: 7 } },
    });
    expect(messages[2]).toMatchObject({
      toolCallId: 'call_1',
      toolResult: { expression: '6 * 7', result: 42 },
    });
    expect(messages[4]?.content).toBe('The tool says **42**.');
    const second = server.requests[before + 1]!;
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(second.messages[2]).toMatchObject({ tool_call_id: 'call_1' });
    await storage.close();
  });

  it('keeps the usage of the final chunk on each answer, which usageSummary adds up', async () => {
    const storage = await openTestStorage();
    const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
    expect(await (await askFakeModel(storage, conversationId, 'hello')).outcome).toEqual({
      status: 'complete',
    });
    expect(await (await askFakeModel(storage, conversationId, 'again')).outcome).toEqual({
      status: 'complete',
    });
    const answers = (await storage.loadConversation(conversationId)).filter((m) => m.role === 'assistant');
    // The second request carries three messages (question, answer, question): 13 prompt tokens.
    expect(answers.map((m) => m.metadata?.tokens)).toEqual([
      { input: 11, output: 7 },
      { input: 13, output: 7 },
    ]);
    const usage = await storage.usageSummary({ since: 0 });
    expect(usage.totals).toMatchObject({ messages: 4, answers: 2, inputTokens: 24, outputTokens: 14 });
    expect(usage.models).toMatchObject([{ model: 'fake-model', answers: 2 }]);
    await storage.close();
  });

  it('saves a tool call while its arguments are still arriving, and keeps them when stopped', async () => {
    const storage = await openTestStorage();
    const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
    const stop = new AbortController();
    const { outcome } = await askFakeModel(storage, conversationId, 'half a call please', stop.signal);
    const answer = async () => (await storage.loadConversation(conversationId))[1];
    const partial = { id: 'call_half', name: 'calculator', arguments: '{"expression": "6 *' };
    const deadline = Date.now() + 5000;
    while (JSON.stringify((await answer())?.toolCalls) !== JSON.stringify([partial])) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Saved while the stream is still open: a crash now would keep it.
    expect(await answer()).toMatchObject({ status: 'streaming', content: 'Let me work that out. ' });
    stop.abort();
    expect(await outcome).toEqual({ status: 'stopped' });
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toMatchObject({ status: 'interrupted', toolCalls: [partial] });
    await storage.close();
  });

  it('saves an endpoint error on the answer as status error with metadata.error', async () => {
    const storage = await openTestStorage();
    const { id: conversationId } = await storage.createConversation({ projectId: 'p' });
    await storage.saveMessage({ id: 'q1', conversationId, projectId: 'p', role: 'user', content: 'hi' });
    const outcome = await runAnswer({
      storage,
      locks: heartbeatStreamLocks({ storage: new MemoryStorage() }),
      assistant: createOpenAICompatibleAssistant({
        baseURL: server.url,
        apiKey: 'wrong',
        model: 'bad-key',
        tools: false,
      }),
      conversationId,
      projectId: 'p',
      signal: new AbortController().signal,
    });
    expect(outcome.status).toBe('error');
    const answer = (await storage.loadConversation(conversationId)).at(-1);
    expect(answer).toMatchObject({ role: 'assistant', status: 'error' });
    expect(answer?.metadata?.error).toMatch(/401.*Incorrect API key/);
    await storage.close();
  });
});
