import type { Message } from '@chatkeep/storage';
import { describe, expect, it } from 'vitest';
import { chunkText, createDemoAssistant, findExpression } from './demo.js';
import type { AssistantEvent } from './types.js';

const noDelay = async () => {};

function msg(role: Message['role'], content: string, extra: Partial<Message> = {}): Message {
  return {
    id: `${role}-${content.length}-${Math.random()}`,
    conversationId: 'c',
    projectId: 'p',
    role,
    content,
    status: 'complete',
    parentId: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

async function collect(history: Message[]): Promise<AssistantEvent[]> {
  const events: AssistantEvent[] = [];
  const assistant = createDemoAssistant({ delay: noDelay });
  for await (const e of assistant.step({ history, signal: new AbortController().signal })) events.push(e);
  return events;
}

const textOf = (events: AssistantEvent[]) => events.map((e) => (e.type === 'text' ? e.delta : '')).join('');

describe('demo assistant', () => {
  it('streams in chunks of 30 to 60 characters, the same chunks for the same text', () => {
    const text = 'x'.repeat(1000);
    const chunks = chunkText(text, 42);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(30);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(60);
    expect(chunkText(text, 42)).toEqual(chunks);
  });

  it('answers the same prompt with the same text', async () => {
    const a = textOf(await collect([msg('user', 'Hello there')]));
    const b = textOf(await collect([msg('user', 'Hello there')]));
    expect(a).toBe(b);
    expect(a).toContain('demo assistant');
  });

  it('calls the calculator for arithmetic and then answers from its result', async () => {
    expect(findExpression('What is 12 * (7 + 5)?')).toBe('12 * (7 + 5)');
    const first = await collect([msg('user', 'What is 12 * (7 + 5)?')]);
    const call = first.find((e) => e.type === 'tool-call');
    expect(call).toMatchObject({ call: { name: 'calculator', arguments: { expression: '12 * (7 + 5)' } } });
    const callId = call?.type === 'tool-call' ? call.call.id : '';
    const second = await collect([
      msg('user', 'What is 12 * (7 + 5)?'),
      msg('assistant', '', { toolCalls: [{ id: callId, name: 'calculator', arguments: {} }] }),
      msg('tool', '', {
        toolCallId: callId,
        toolName: 'calculator',
        toolResult: { expression: '12 * (7 + 5)', result: 144 },
      }),
    ]);
    expect(textOf(second)).toContain('**144**');
  });

  it('calls the clock when asked for the time', async () => {
    const events = await collect([msg('user', 'What time is it?')]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'tool-call', call: expect.objectContaining({ name: 'clock' }) }),
    ]);
  });

  it('answers with Markdown tables and code when asked for markdown', async () => {
    const text = textOf(await collect([msg('user', 'Show me some markdown')]));
    expect(text).toContain('| Feature |');
    expect(text).toContain('```ts');
    expect(text).toContain('$E=mc^2$');
  });

  it('stops streaming when aborted', async () => {
    const controller = new AbortController();
    const assistant = createDemoAssistant({
      delay: (_ms, signal) => (signal.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve()),
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of assistant.step({
          history: [msg('user', 'tell me a long story')],
          signal: controller.signal,
        })) {
          if (e.type === 'text') seen.push(e.delta);
          if (seen.length === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow('aborted');
    expect(seen).toHaveLength(3);
  });
});
