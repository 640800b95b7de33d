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
import { answerAgain, runAnswer, sendUserMessage } from './run-turn.js';

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

  it('keeps the whole answer, tool call and result included, on its branch when the user switches versions mid-answer', async () => {
    const at = Date.UTC(2025, 0, 1);
    const save = (id: string, role: 'user' | 'assistant', parentId: string | null, n: number) =>
      storage.saveMessage({
        id,
        conversationId,
        projectId: 'p',
        role,
        content: id,
        parentId,
        createdAt: at + n,
      });
    await save('q0', 'user', null, 0);
    await save('a0-first', 'assistant', 'q0', 1);
    await save('a0-second', 'assistant', 'q0', 2);
    let step = 0;
    const assistant = scripted(async function* () {
      step++;
      if (step === 1) {
        yield { type: 'text', delta: 'Let me compute.' };
        // The user looks at the other version of the earlier answer meanwhile.
        await storage.selectVersion(conversationId, 'a0-first');
        yield {
          type: 'tool-call',
          call: { id: 'call-1', name: 'calculator', arguments: { expression: '6 * 7' } },
        };
      } else {
        yield { type: 'text', delta: 'It is 42.' };
      }
    });
    const { message: question, outcome } = await sendUserMessage({
      ...base(),
      assistant,
      text: 'What is 6 * 7?',
    });
    expect(await outcome).toEqual({ status: 'complete' });
    expect(question.parentId).toBe('a0-second');
    const all = await storage.loadConversation(conversationId);
    const parentOf = new Map(all.map((m) => [m.id, m.parentId]));
    const final = all.find((m) => m.content === 'It is 42.')!;
    const chain: string[] = [];
    for (let id: string | null | undefined = final.id; id; id = parentOf.get(id)) chain.push(id);
    const roles = chain.map((id) => all.find((m) => m.id === id)!.role);
    expect(roles).toEqual(['assistant', 'tool', 'assistant', 'user', 'assistant', 'user']);
    expect(chain.slice(-3)).toEqual([question.id, 'a0-second', 'q0']);
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

// The app runs on IndexedDB, and on localStorage where IndexedDB is unavailable.
describe.each(['indexeddb', 'localstorage'] as const)('a chat turn in a message tree (%s)', (kind) => {
  beforeEach(async () => {
    await storage.close();
    storage = await openTestStorage(kind);
    conversationId = (await storage.createConversation({ projectId: 'p' })).id;
  });

  /** An assistant that records what it was sent and answers `reply`. */
  function probe(reply: string, seen: string[][] = []): Assistant {
    return {
      model: 'probe',
      async *step({ history }) {
        seen.push(history.map((m) => `${m.role}:${m.content}`));
        yield { type: 'text', delta: reply };
      },
    };
  }

  async function ask(text: string, reply: string, extra: { parentId?: string | null } = {}) {
    const { message, outcome } = await sendUserMessage({
      ...base(),
      assistant: probe(reply),
      text,
      ...extra,
    });
    expect(await outcome).toEqual({ status: 'complete' });
    return message;
  }

  it('Retry after Stop saves a new answer beside the stopped one, which stays as version 1 of 2', async () => {
    const controller = new AbortController();
    const stopping = scripted(async function* () {
      yield { type: 'text', delta: 'Part 1, part 2' };
      controller.abort();
      await new Promise(() => {});
    });
    const { message: question, outcome } = await sendUserMessage({
      ...base(),
      signal: controller.signal,
      assistant: stopping,
      text: 'Tell me a long story',
    });
    expect(await outcome).toEqual({ status: 'stopped' });
    const [, stopped] = await storage.loadConversation(conversationId);
    expect(stopped).toMatchObject({ status: 'interrupted', parentId: question.id });

    expect(await answerAgain({ ...base(), assistant: probe('The whole story'), replaced: stopped! })).toEqual(
      {
        status: 'complete',
      },
    );
    const all = await storage.loadConversation(conversationId);
    expect(all.map((m) => [m.role, m.content, m.parentId])).toEqual([
      ['user', 'Tell me a long story', null],
      ['assistant', 'Part 1, part 2', question.id],
      ['assistant', 'The whole story', question.id],
    ]);
    const { versions, index } = await storage.listVersions(all[2]!.id);
    expect(versions.map((v) => v.content)).toEqual(['Part 1, part 2', 'The whole story']);
    expect(index).toBe(1);
    const shown = await storage.getMessages(conversationId);
    expect(shown.messages.map((m) => m.content)).toEqual(['Tell me a long story', 'The whole story']);
  });

  it('an edit is a new user message beside the original; the assistant is sent the edited branch only', async () => {
    const first = await ask('Plan a trip to Lisbon', 'Lisbon plan');
    const seen: string[][] = [];
    const { message: edited, outcome } = await sendUserMessage({
      ...base(),
      assistant: probe('Porto plan', seen),
      text: 'Plan a trip to Porto',
      parentId: first.parentId,
    });
    expect(await outcome).toEqual({ status: 'complete' });
    expect(edited.parentId).toBe(first.parentId);
    expect(seen).toEqual([['user:Plan a trip to Porto']]);
    const shown = await storage.getMessages(conversationId);
    expect(shown.messages.map((m) => m.content)).toEqual(['Plan a trip to Porto', 'Porto plan']);
    expect((await storage.loadConversation(conversationId)).map((m) => m.content)).toContain('Lisbon plan');
  });

  it('Regenerate sends the branch up to the answer replaced, not what follows it', async () => {
    const q1 = await ask('One', 'Answer one');
    await ask('Two', 'Answer two');
    const [, answerOne] = await storage.loadConversation(conversationId);
    const seen: string[][] = [];
    await answerAgain({ ...base(), assistant: probe('Answer one again', seen), replaced: answerOne! });
    expect(seen).toEqual([['user:One']]);
    const again = (await storage.loadConversation(conversationId)).at(-1)!;
    expect(again).toMatchObject({ content: 'Answer one again', parentId: q1.id });
  });

  it('an answer with tool calls chains each step under the one before, wherever it started', async () => {
    const question = await ask('What is 6 * 7?', 'First answer');
    const [, firstAnswer] = await storage.loadConversation(conversationId);
    // The user shows the first answer while the regenerated one is still being written.
    let switched = false;
    const calculator: Assistant = {
      model: 'tools',
      async *step({ history }) {
        if (!switched) {
          switched = true;
          await storage.selectVersion(conversationId, firstAnswer!.id);
          yield {
            type: 'tool-call',
            call: { id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } },
          };
          return;
        }
        expect(history.at(-1)?.role).toBe('tool');
        yield { type: 'text', delta: 'It is 42.' };
      },
    };
    expect(await answerAgain({ ...base(), assistant: calculator, replaced: firstAnswer! })).toEqual({
      status: 'complete',
    });
    const all = await storage.loadConversation(conversationId);
    const call = all.find((m) => m.toolCalls?.length)!;
    const result = all.find((m) => m.role === 'tool')!;
    const final = all.find((m) => m.content === 'It is 42.')!;
    expect(call.parentId).toBe(question.id);
    expect(result.parentId).toBe(call.id);
    expect(final.parentId).toBe(result.id);
    // The answer written in the background did not take the view back.
    const shown = await storage.getMessages(conversationId);
    expect(shown.messages.map((m) => m.content)).toEqual(['What is 6 * 7?', 'First answer']);
  });
});
