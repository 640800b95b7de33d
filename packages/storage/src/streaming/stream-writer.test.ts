import { beforeEach, describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import { openDb, openLocalDb } from '../export/test-support/databases.js';
import type { ChatStorageAdapter, Message } from '../types.js';
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

/** A page as the writer sees it: real events, and a count of who listens. */
class TestPage extends EventTarget {
  listeners = 0;
  readonly document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>) {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>) {
    this.listeners--;
    super.removeEventListener(...args);
  }
  hide(how: 'pagehide' | 'visibilitychange') {
    if (how === 'pagehide') this.dispatchEvent(new Event('pagehide'));
    else {
      this.document.visibilityState = 'hidden';
      this.document.dispatchEvent(new Event('visibilitychange'));
    }
  }
}

const stored = async (id: string) =>
  (await storage.loadConversation(conversationId)).find((m) => m.id === id);

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as const)('StreamWriter (%s)', (_name, open) => {
  beforeEach(async () => {
    storage = await open();
    conversationId = (await storage.createConversation({ projectId: 'p' })).id;
    updates = [];
    const original = storage.updateMessage.bind(storage);
    storage.updateMessage = (id, patch) => {
      updates.push(patch);
      return original(id, patch);
    };
  });

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

  it('saves a tool call still arriving with its id, name and the arguments text so far when the 100 ms timer fires', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.updateToolCall(0, { id: 'call_1', name: 'calculator', arguments: '' });
    w.updateToolCall(0, { id: 'call_1', name: 'calculator', arguments: '{"expres' });
    expect(timers.delays).toEqual([100]);
    await w.settled();
    expect(updates).toHaveLength(0);
    timers.fireAll();
    await w.settled();
    expect(updates).toHaveLength(1);
    expect(await stored(w.id)).toMatchObject({
      status: 'streaming',
      toolCalls: [{ id: 'call_1', name: 'calculator', arguments: '{"expres' }],
    });
  });

  it('saves tool-call arguments once 100 characters have gathered, counted together with text', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.appendText('t'.repeat(50));
    w.updateToolCall(0, { id: 'c', name: 'echo', arguments: `{"s":"${'a'.repeat(20)}` });
    await w.settled();
    expect(updates).toHaveLength(0);
    const args = `{"s":"${'a'.repeat(45)}`;
    w.updateToolCall(0, { id: 'c', name: 'echo', arguments: args });
    await w.settled();
    expect(updates).toHaveLength(1);
    expect(await stored(w.id)).toMatchObject({
      content: 't'.repeat(50),
      toolCalls: [{ id: 'c', name: 'echo', arguments: args }],
    });
    // Only what arrived since that save counts towards the next one.
    w.updateToolCall(0, { id: 'c', name: 'echo', arguments: `${args}bb` });
    await w.settled();
    expect(updates).toHaveLength(1);
  });

  it('does not save again for a delta that changes nothing', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.updateToolCall(0, { id: 'c', name: 'clock', arguments: '{' });
    timers.fireAll();
    await w.settled();
    w.updateToolCall(0, { id: 'c', name: 'clock', arguments: '{' });
    expect(timers.delays).toEqual([]);
  });

  it('puts a whole tool call in the place of its partial one, and runs only whole calls', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.updateToolCall(0, { id: 'call_1', name: 'calculator', arguments: '{"expression": "6 * 7"}' });
    w.updateToolCall(1, { id: 'call_2', name: 'clock', arguments: '{' });
    expect(w.calls).toEqual([]);
    await w.addToolCall({ id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } }, 0);
    expect(w.calls).toEqual([{ id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } }]);
    expect((await stored(w.id))?.toolCalls).toEqual([
      { id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } },
      { id: 'call_2', name: 'clock', arguments: '{' },
    ]);
    await w.addToolCall({ id: 'call_2', name: 'clock', arguments: {} }, 1);
    await w.finish();
    expect(await stored(w.id)).toMatchObject({
      status: 'complete',
      toolCalls: [
        { id: 'call_1', name: 'calculator', arguments: { expression: '6 * 7' } },
        { id: 'call_2', name: 'clock', arguments: {} },
      ],
    });
  });

  it('keeps the arguments text so far when stopped, failed or flushed on pagehide mid tool call', async () => {
    const cases = [
      { end: (w: StreamWriter) => w.stop(), status: 'interrupted' },
      { end: (w: StreamWriter) => w.fail('connection reset'), status: 'error' },
      { end: (w: StreamWriter) => w.flush(), status: 'streaming' },
    ];
    for (const { end, status } of cases) {
      const w = writer();
      await w.start();
      w.appendText('Checking.');
      w.updateToolCall(0, { id: 'call_9', name: 'calculator', arguments: '{"expression": "2 +' });
      await end(w);
      expect(await stored(w.id)).toMatchObject({
        status,
        content: 'Checking.',
        toolCalls: [{ id: 'call_9', name: 'calculator', arguments: '{"expression": "2 +' }],
      });
    }
  });

  it('leaves out a call whose name has not arrived yet, and saves it once it has', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.updateToolCall(0, { id: 'call_1', name: '', arguments: '{"a"' });
    timers.fireAll();
    await w.settled();
    expect(w.saveError).toBeUndefined();
    expect((await stored(w.id))?.toolCalls).toBeUndefined();
    w.updateToolCall(0, { id: 'call_1', name: 'echo', arguments: '{"a"' });
    timers.fireAll();
    await w.settled();
    expect((await stored(w.id))?.toolCalls).toEqual([{ id: 'call_1', name: 'echo', arguments: '{"a"' }]);
  });

  it('ignores tool-call deltas after the end', async () => {
    const timers = manualTimers();
    const w = writer(timers);
    await w.start();
    w.updateToolCall(0, { id: 'c', name: 'clock', arguments: '{' });
    await w.stop();
    w.updateToolCall(0, { id: 'c', name: 'clock', arguments: '{}' });
    timers.fireAll();
    await w.settled();
    expect((await stored(w.id))?.toolCalls).toEqual([{ id: 'c', name: 'clock', arguments: '{' }]);
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

  it.each(['pagehide', 'visibilitychange'] as const)(
    'saves what is buffered when the page is hidden (%s), without waiting for the timer',
    async (how) => {
      const timers = manualTimers();
      const page = new TestPage();
      const w = writer(timers, { pageHide: page });
      await w.start();
      w.appendText('Before the tab closes');
      expect(updates).toHaveLength(0);
      page.hide(how);
      await w.settled();
      expect(updates).toHaveLength(1);
      expect(await stored(w.id)).toMatchObject({ status: 'streaming', content: 'Before the tab closes' });
      expect(timers.delays).toEqual([]);
    },
  );

  it('saves nothing when the page becomes visible again', async () => {
    const page = new TestPage();
    const w = writer(manualTimers(), { pageHide: page });
    await w.start();
    w.appendText('still here');
    page.document.dispatchEvent(new Event('visibilitychange'));
    await w.settled();
    expect(updates).toHaveLength(0);
  });

  it('listens to the page only between start and the end, and after a failed save no longer', async () => {
    const page = new TestPage();
    const w = writer(manualTimers(), { pageHide: page });
    expect(page.listeners).toBe(0);
    await w.start();
    expect(page.listeners).toBe(1);
    await w.stop();
    expect(page.listeners).toBe(0);

    const failing = new TestPage();
    storage.updateMessage = async () => {
      throw new ChatStorageError('quota-exceeded', 'Browser storage is full.');
    };
    const f = writer(manualTimers(), { pageHide: failing });
    await f.start();
    f.appendText('x'.repeat(150));
    await f.settled();
    expect(f.saveError).toBeInstanceOf(ChatStorageError);
    expect(failing.listeners).toBe(0);
  });
});

describe.each([
  ['IndexedDB', openDb],
  ['localStorage', openLocalDb],
] as const)('StreamWriter on a message tree (%s)', (_name, open) => {
  beforeEach(async () => {
    storage = await open();
    conversationId = (await storage.createConversation({ projectId: 'p' })).id;
  });

  /** Question `q` and a stopped first answer `a1` under it. */
  async function questionAndStoppedAnswer() {
    const at = Date.UTC(2025, 0, 1);
    const base = { conversationId, projectId: 'p' };
    await storage.saveMessage({ ...base, id: 'q', role: 'user', content: 'Story?', createdAt: at });
    await storage.saveMessage({
      ...base,
      id: 'a1',
      role: 'assistant',
      content: 'Once',
      status: 'interrupted',
      parentId: 'q',
      createdAt: at + 1000,
    });
  }

  it('saves the answer under the parent it was given, as a new version beside the earlier one', async () => {
    await questionAndStoppedAnswer();
    const w = writer(manualTimers(), { parentId: 'q' });
    await w.start();
    w.appendText('Long ago');
    await w.finish();
    expect(await stored(w.id)).toMatchObject({ parentId: 'q', status: 'complete', content: 'Long ago' });
    expect((await storage.listVersions(w.id)).versions.map((m) => m.id)).toEqual(['a1', w.id]);
    expect((await storage.getMessages(conversationId)).messages.map((m) => m.id)).toEqual(['q', w.id]);
  });

  it('keeps saving where it started when the user switches to another version mid-answer', async () => {
    await questionAndStoppedAnswer();
    const w = writer(manualTimers(), { parentId: 'q' });
    await w.start();
    w.appendText('x'.repeat(120));
    await w.settled();
    await storage.selectVersion(conversationId, 'a1');
    w.appendText('y'.repeat(120));
    await w.settled();
    w.appendText('the end');
    await w.finish();
    expect(await stored(w.id)).toMatchObject({
      parentId: 'q',
      status: 'complete',
      content: `${'x'.repeat(120)}${'y'.repeat(120)}the end`,
    });
    // The user's choice stands: the finished answer does not take the view back.
    expect((await storage.getConversation(conversationId))?.activeLeafId).toBe('a1');
    expect((await storage.getMessages(conversationId)).messages.map((m) => m.id)).toEqual(['q', 'a1']);
  });
});
