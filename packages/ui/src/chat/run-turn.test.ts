import {
  type ChatStorageAdapter,
  heartbeatStreamLocks,
  recoverInterrupted,
  type StreamLocks,
} from '@chatkeep/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { openTestStorage } from '../../test/storage.js';
import { createDemoAssistant } from '../assistants/demo.js';
import type { Assistant, AssistantEvent } from '../assistants/types.js';
import { runAnswer, sendUserMessage } from './run-turn.js';

let storage: ChatStorageAdapter;
let locks: StreamLocks;
let conversationId: string;

beforeEach(async () => {
  storage = await openTestStorage();
  locks = heartbeatStreamLocks({ storage: new MemoryStorage() });
  conversationId = (await storage.createConversation({ projectId: 'p' })).id;
});
afterEach(() => storage.close());

const instantDemo = () => createDemoAssistant({ delay: async () => {} });

function scripted(steps: (signal: AbortSignal) => AsyncGenerator<AssistantEvent>): Assistant {
  return { model: 'scripted', step: ({ signal }) => steps(signal) };
}

const base = () => ({ storage, locks, conversationId, projectId: 'p', signal: new AbortController().signal });

describe('a chat turn', () => {
  it('saves the user message before the assistant is asked, and titles the conversation from it', async () => {
    let seenByAssistant: string[] = [];
    const assistant: Assistant = {
      model: 'probe',
      async *step({ history }) {
        seenByAssistant = history.map((m) => `${m.role}:${m.content}`);
        yield { type: 'text', delta: 'ok' };
      },
    };
    const { message, outcome } = await sendUserMessage({
      ...base(),
      assistant,
      text: 'Plan a trip\nto Lisbon',
    });
    expect(await outcome).toEqual({ status: 'complete' });
    expect(seenByAssistant).toEqual(['user:Plan a trip\nto Lisbon']);
    expect(message.status).toBe('complete');
    expect((await storage.getConversation(conversationId))?.title).toBe('Plan a trip');
  });

  it('saves the tool call, the tool result and the final answer in order (demo calculator)', async () => {
    const { outcome } = await sendUserMessage({
      ...base(),
      assistant: instantDemo(),
      text: 'What is 6 * 7?',
    });
    expect(await outcome).toEqual({ status: 'complete' });
    const messages = await storage.loadConversation(conversationId);
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
      ['tool', 'complete'],
      ['assistant', 'complete'],
    ]);
    const [, call, result, answer] = messages;
    expect(call?.toolCalls?.[0]).toMatchObject({ name: 'calculator', arguments: { expression: '6 * 7' } });
    expect(result).toMatchObject({
      toolCallId: call?.toolCalls?.[0]?.id,
      toolName: 'calculator',
      toolResult: { result: 42 },
    });
    expect(answer?.content).toContain('**42**');
    expect(answer?.metadata?.model).toBe('demo');
  });

  it('keeps the partial answer as interrupted when stopped', async () => {
    const controller = new AbortController();
    const assistant = scripted(async function* (signal) {
      yield { type: 'text', delta: 'First half' };
      controller.abort();
      // An assistant that ignores the signal: Stop must not wait for it.
      await new Promise(() => {});
      yield { type: 'text', delta: `never ${signal.aborted}` };
    });
    const outcome = await runAnswer({ ...base(), signal: controller.signal, assistant });
    expect(outcome).toEqual({ status: 'stopped' });
    const [answer] = await storage.loadConversation(conversationId);
    expect(answer).toMatchObject({ role: 'assistant', status: 'interrupted', content: 'First half' });
  });

  it('saves an assistant failure on the message as error, keeping the text received', async () => {
    const assistant = scripted(async function* () {
      yield { type: 'text', delta: 'Some text' };
      throw new Error('The endpoint answered 500: overloaded.');
    });
    const outcome = await runAnswer({ ...base(), assistant });
    expect(outcome).toEqual({ status: 'error', error: 'The endpoint answered 500: overloaded.' });
    const [answer] = await storage.loadConversation(conversationId);
    expect(answer).toMatchObject({
      status: 'error',
      content: 'Some text',
      metadata: { error: 'The endpoint answered 500: overloaded.' },
    });
  });

  it('holds the stream lock while streaming, so another tab does not mark the answer interrupted', async () => {
    let liveDuring = false;
    let recoveredDuring = -1;
    const assistant = scripted(async function* () {
      yield { type: 'text', delta: 'streaming…' };
      liveDuring = await locks.isLive(conversationId);
      recoveredDuring = await recoverInterrupted(storage, locks, conversationId);
    });
    await runAnswer({ ...base(), assistant });
    expect(liveDuring).toBe(true);
    expect(recoveredDuring).toBe(0);
    expect(await locks.isLive(conversationId)).toBe(false);
    expect((await storage.loadConversation(conversationId))[0]?.status).toBe('complete');
  });

  it('stops after the allowed number of tool round trips', async () => {
    let steps = 0;
    const assistant = scripted(async function* () {
      steps++;
      yield { type: 'tool-call', call: { id: `c${steps}`, name: 'clock', arguments: {} } };
    });
    await runAnswer({ ...base(), assistant, maxSteps: 3 });
    expect(steps).toBe(3);
  });
});
