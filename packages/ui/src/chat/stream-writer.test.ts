import type { ChatStorageAdapter, Message } from '@chatkeep/storage';
import { ChatStorageError } from '@chatkeep/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StreamWriter } from './stream-writer.js';

/** Timers the test fires by hand, so "100 ms" does not depend on the machine's speed. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fireAll() {
      const all = [...pending.values()];
      pending.clear();
      for (const t of all) t.fn();
    },
    get delays() {
      return [...pending.values()].map((t) => t.ms);
    },
  };
}

let storage: ChatStorageAdapter;
let conversationId: string;
let updates: Partial<Message>[];

beforeEach(async () => {
  storage = await openTestStorage();
  conversationId = (await storage.createConversation({ projectId: 'p' })).id;
  updates = [];
  const original = storage.updateMessage.bind(storage);
  storage.updateMessage = (id, patch) => {
    updates.push(patch);
    return original(id, patch);
  };
});
afterEach(() => storage.close());

function writer(timers = manualTimers(), extra: Partial<ConstructorParameters<typeof StreamWriter>[0]> = {}) {
  return new StreamWriter({
    storage,
    id: `m-${Math.random().toString(36).slice(2)}`,
    conversationId,
    projectId: 'p',
    metadata: { model: 'test' },
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    ...extra,
  });
}

const stored = async (id: string) =>
  (await storage.loadConversation(conversationId)).find((m) => m.id === id);

describe('StreamWriter', () => {
  it('saves the assistant message as pending before any text arrives', async () => {
    const w = writer();
    await w.start();
    expect(await stored(w.id)).toMatchObject({
      role: 'assistant',
      status: 'pending',
      content: '',
      metadata: { model: 'test' },
    });
  });

  it('saves text once 100 characters have gathered, without waiting for the timer', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.appendText('a'.repeat(60));
    await w.settled();
    expect(updates).toHaveLength(0);
    w.appendText('b'.repeat(45));
    await w.settled();
    expect(updates).toHaveLength(1);
    expect(await stored(w.id)).toMatchObject({
      status: 'streaming',
      content: `${'a'.repeat(60)}${'b'.repeat(45)}`,
    });
  });

  it('saves short text when the 100 ms timer fires', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.appendText('Hello');
    w.appendText(', world');
    expect(timers.delays).toEqual([100]);
    timers.fireAll();
    await w.settled();
    expect(updates).toHaveLength(1);
    expect((await stored(w.id))?.content).toBe('Hello, world');
  });

  it('saves a tool call the moment it arrives, together with the text so far', async () => {
    const w = writer();
    await w.start();
    w.appendText('Let me check.');
    await w.addToolCall({ id: 'call_1', name: 'clock', arguments: {} });
    expect(await stored(w.id)).toMatchObject({
      status: 'streaming',
      content: 'Let me check.',
      toolCalls: [{ id: 'call_1', name: 'clock', arguments: {} }],
    });
  });

  it('always saves the full text as complete on finish, even right after a save', async () => {
    const w = writer();
    await w.start();
    w.appendText('x'.repeat(150));
    w.appendText('tail');
    await w.finish();
    expect(await stored(w.id)).toMatchObject({ status: 'complete', content: `${'x'.repeat(150)}tail` });
  });

  it('keeps the partial answer as interrupted when stopped', async () => {
    const w = writer();
    await w.start();
    w.appendText('Half an ans');
    await w.stop();
    expect(await stored(w.id)).toMatchObject({
      status: 'interrupted',
      content: 'Half an ans',
      metadata: { stopped: true },
    });
  });

  it('saves a failure as status error with the reason in metadata.error', async () => {
    const w = writer();
    await w.start();
    w.appendText('Partial');
    await w.fail('The endpoint answered 500: overloaded.');
    expect(await stored(w.id)).toMatchObject({
      status: 'error',
      content: 'Partial',
      metadata: { model: 'test', error: 'The endpoint answered 500: overloaded.' },
    });
  });

  it('ignores text and timers after the end, so a late chunk never reopens a finished message', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.appendText('done');
    await w.finish();
    w.appendText(' late');
    timers.fireAll();
    await w.flush();
    expect(await stored(w.id)).toMatchObject({ status: 'complete', content: 'done' });
  });

  it('writes in order: a slow save never lands after a newer one', async () => {
    const w = writer();
    await w.start();
    for (let i = 0; i < 5; i++) w.appendText('y'.repeat(120));
    await w.finish();
    const lengths = updates.map((u) => (u.content ?? '').length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect((await stored(w.id))?.content.length).toBe(600);
  });

  it('reports a failed save once and stops writing', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    storage.updateMessage = async () => {
      calls++;
      throw new ChatStorageError('quota-exceeded', 'Browser storage is full.');
    };
    const w = writer(manualTimers(), { onSaveError: (e) => errors.push(e) });
    await w.start();
    w.appendText('z'.repeat(200));
    await w.settled();
    w.appendText('z'.repeat(200));
    await w.finish();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(1);
    expect(w.saveError).toBeInstanceOf(ChatStorageError);
  });
});
