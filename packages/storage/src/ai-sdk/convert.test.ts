import { describe, expect, it } from 'vitest';
import { ChatStorageError } from '../errors.js';
import { loadFixture } from '../legacy/fixtures/load.js';
import {
  EMOJI_TEXT,
  halfStreamed,
  hugeText,
  messagesWithEveryDateForm,
  messagesWithoutIds,
  mixedShapes,
} from '../legacy/fixtures/messy.js';
import { isJsonValue, validateMessageInput } from '../schema.js';
import type { MessageInput } from '../types.js';
import { convertAiSdkMessages } from './convert.js';

const ctx = { conversationId: 'conv-1', projectId: 'proj', now: Date.parse('2025-03-01T00:00:00.000Z') };

function byId(messages: MessageInput[], id: string): MessageInput {
  const found = messages.find((m) => m.id === id);
  if (!found) throw new Error(`no message ${id} in ${messages.map((m) => m.id).join(', ')}`);
  return found;
}

function expectChronological(messages: MessageInput[]) {
  for (let i = 1; i < messages.length; i++) {
    expect(messages[i]!.createdAt!).toBeGreaterThan(messages[i - 1]!.createdAt!);
  }
}

describe('convertAiSdkMessages: AI SDK v4 messages', () => {
  const { messages, skipped } = convertAiSdkMessages(loadFixture('v4-history'), ctx);

  it('keeps the conversation order with a tool message right after the assistant that called it', () => {
    expect(messages.map((m) => m.id)).toEqual([
      'v4-u1',
      'v4-a1',
      'v4-a1:tool:call_weather_1',
      'v4-u2',
      'v4-a2',
    ]);
    expectChronological(messages);
  });

  it('skips data-role entries with a reason that names the role', () => {
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.id).toBe('v4-d1');
    expect(skipped[0]!.reason).toMatch(/"data".*not a chat message/);
  });

  it('turns experimental_attachments into metadata.attachments', () => {
    const u1 = byId(messages, 'v4-u1');
    expect(u1.createdAt).toBe(Date.parse('2024-11-03T09:15:00.000Z'));
    expect(u1.metadata?.attachments).toEqual([
      {
        name: 'itinerary.pdf',
        mediaType: 'application/pdf',
        url: 'https://files.example.com/u/itinerary.pdf',
      },
      { name: 'attachment-2', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ]);
  });

  it('joins text parts and counts a tool invocation listed twice (toolInvocations and parts) once', () => {
    const a1 = byId(messages, 'v4-a1');
    expect(a1.content).toBe('Let me check the forecast.\n\nIt is 12°C and cloudy in Berlin.');
    expect(a1.status).toBe('complete');
    expect(a1.toolCalls).toEqual([
      { id: 'call_weather_1', name: 'getWeather', arguments: { city: 'Berlin' } },
    ]);
    const tool = byId(messages, 'v4-a1:tool:call_weather_1');
    expect(tool).toMatchObject({
      role: 'tool',
      toolCallId: 'call_weather_1',
      toolName: 'getWeather',
      toolResult: { tempC: 12, sky: 'cloudy' },
      status: 'complete',
    });
    expect(tool.content).toContain('cloudy');
  });

  it('keeps reasoning, sources, files, step boundaries and annotations in metadata', () => {
    const meta = byId(messages, 'v4-a1').metadata!;
    expect(meta.reasoning).toBe('The user wants the weather; call the weather tool.');
    expect(meta.sources).toEqual([
      { sourceType: 'url', id: 'src-1', url: 'https://weather.example.com/berlin', title: 'Berlin forecast' },
    ]);
    expect(meta.attachments).toEqual([
      { name: 'file-1', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ]);
    expect(meta.steps).toBe(2);
    expect(meta.annotations).toEqual([{ usage: { promptTokens: 120, completionTokens: 40 } }]);
    // The reasoning signature has no field of its own: it is kept with the leftovers.
    expect(JSON.stringify(meta.parts)).toContain('sig-abc');
    expect((meta.toolStates as Record<string, unknown>).call_weather_1).toEqual({ state: 'result', step: 0 });
  });

  it('marks an assistant with a partial-call interrupted and keeps the partial arguments', () => {
    const a2 = byId(messages, 'v4-a2');
    expect(a2.status).toBe('interrupted');
    expect(a2.toolCalls).toEqual([
      { id: 'call_weather_2', name: 'getWeather', arguments: { city: 'Paris' } },
      { id: 'call_lookup_3', name: 'lookupCity', arguments: { query: 'Pa' } },
    ]);
    expect(messages.some((m) => m.role === 'tool' && m.toolCallId === 'call_weather_2')).toBe(false);
    expect(a2.metadata?.toolStates).toEqual({
      call_weather_2: { state: 'call' },
      call_lookup_3: { state: 'partial-call' },
    });
  });
});

describe('convertAiSdkMessages: AI SDK v5/v6 UIMessages', () => {
  const { messages, skipped } = convertAiSdkMessages(loadFixture('v5-history'), ctx);
  const a1 = byId(messages, 'v5-a1');

  it('orders the answered calls right after their assistant message, in call order', () => {
    expect(skipped).toEqual([]);
    expect(messages.map((m) => m.id)).toEqual([
      'v5-s1',
      'v5-u1',
      'v5-a1',
      'v5-a1:tool:call_oh',
      'v5-a1:tool:call_sw',
      'v5-a1:tool:call_dw',
      'v5-a1:tool:call_cc',
      'v5-a2',
    ]);
    expectChronological(messages);
  });

  it('takes times from metadata.createdAt and spaces untimed messages before the first timed one', () => {
    expect(byId(messages, 'v5-u1').createdAt).toBe(1735725600000);
    expect(a1.createdAt).toBe(1735725605000);
    expect(byId(messages, 'v5-s1').createdAt).toBe(1735725600000 - 1);
  });

  it('lists every tool part as a call, named from its type or toolName', () => {
    expect(a1.toolCalls?.map((c) => [c.id, c.name])).toEqual([
      ['call_oh', 'getOpeningHours'],
      ['call_sw', 'searchWeb'],
      ['call_dw', 'mcp_weather'],
      ['call_bt', 'bookTable'],
      ['call_cc', 'chargeCard'],
      ['call_se', 'sendEmail'],
    ]);
    expect(a1.toolCalls![3]!.arguments).toEqual({ restaurant: 'Gion Karyo', people: 2 });
  });

  it('turns output-error into a tool message with status error and metadata.error', () => {
    expect(byId(messages, 'v5-a1:tool:call_sw')).toMatchObject({
      role: 'tool',
      status: 'error',
      toolName: 'searchWeb',
      metadata: { error: 'Search quota exhausted' },
    });
  });

  it('answers a denied call with a tool message that says so, and leaves calls awaiting approval unanswered', () => {
    const denied = byId(messages, 'v5-a1:tool:call_cc');
    expect(denied.content).toContain('denied');
    expect(denied.content).toContain('Too expensive');
    expect(denied.metadata).toMatchObject({ denied: true, reason: 'Too expensive' });
    const states = a1.metadata?.toolStates as Record<string, { state: string; approval?: unknown }>;
    expect(states.call_bt).toEqual({ state: 'approval-requested', approval: { id: 'appr-1' } });
    expect(states.call_se!.state).toBe('approval-responded');
    expect(a1.status).toBe('complete');
  });

  it('keeps a string tool output as the readable content of its tool message', () => {
    expect(byId(messages, 'v5-a1:tool:call_dw')).toMatchObject({
      content: 'Sunny, 8°C',
      toolResult: 'Sunny, 8°C',
    });
  });

  it('keeps reasoning, sources, data parts, unknown parts, model and token counts', () => {
    const meta = a1.metadata!;
    expect(a1.content).toBe('Kinkaku-ji opens at 09:00.');
    expect(meta.model).toBe('gpt-4.1');
    expect(meta.tokens).toEqual({ input: 812, output: 330 });
    expect(meta.reasoning).toBe('Need opening hours first.');
    expect(meta.sources).toEqual([
      { sourceType: 'url', id: 's1', url: 'https://kinkakuji.example.jp', title: 'Kinkaku-ji' },
      {
        sourceType: 'document',
        id: 's2',
        title: 'Kyoto guide',
        mediaType: 'application/pdf',
        filename: 'guide.pdf',
      },
    ]);
    expect(meta.data).toEqual([{ type: 'data-weather', id: 'w1', data: { city: 'Kyoto', tempC: 8 } }]);
    expect(meta.parts).toContainEqual({ type: 'future-widget', payload: { kind: 'map', zoom: 12 } });
    expect(meta.parts).toContainEqual({
      type: 'reasoning',
      providerMetadata: { anthropic: { signature: 'sig-123' } },
    });
    expect(meta.steps).toBe(2);
    expect(meta.sdkMetadata).toMatchObject({ model: 'gpt-4.1' });
  });

  it('keeps file parts of user messages as attachments', () => {
    expect(byId(messages, 'v5-u1').metadata?.attachments).toEqual([
      { name: 'temple.jpg', mediaType: 'image/jpeg', url: 'https://files.example.com/temple.jpg' },
    ]);
  });

  it('marks a message with streaming text or an input-streaming call interrupted, keeping what arrived', () => {
    const a2 = byId(messages, 'v5-a2');
    expect(a2.status).toBe('interrupted');
    expect(a2.content).toBe('Booking your table now, I will');
    expect(a2.toolCalls).toEqual([{ id: 'call_bt2', name: 'bookTable', arguments: { restaurant: 'Gion' } }]);
  });
});

describe('convertAiSdkMessages: messy histories', () => {
  it('derives ids of messages without one from the conversation id and position, the same on every run', () => {
    const first = convertAiSdkMessages(messagesWithoutIds(), ctx).messages;
    const again = convertAiSdkMessages(messagesWithoutIds(), { ...ctx, now: ctx.now + 60_000 }).messages;
    expect(first.map((m) => m.id)).toEqual(['conv-1:0', 'conv-1:1', 'conv-1:2', 'conv-1:3']);
    expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
  });

  it('spaces untimed messages from now, keeping their order', () => {
    const { messages } = convertAiSdkMessages(messagesWithoutIds(), ctx);
    expect(messages.map((m) => m.createdAt)).toEqual([ctx.now, ctx.now + 1, ctx.now + 2, ctx.now + 3]);
    expect(messages.every((m) => m.updatedAt === m.createdAt)).toBe(true);
  });

  it('reads Date objects, ISO text, epoch ms, epoch seconds, numeric text and metadata dates', () => {
    const { messages } = convertAiSdkMessages(messagesWithEveryDateForm(), ctx);
    const at = (s: string) => Date.parse(`2024-01-01T10:00:0${s}.000Z`);
    expect(messages.map((m) => [m.id, m.createdAt])).toEqual([
      ['d-date', at('0')],
      ['d-iso', at('1')],
      ['d-ms', at('2')],
      ['d-s', at('3')],
      ['d-numtext', at('4')],
      ['d-meta', at('5')],
      ['d-bad', at('5') + 1],
      ['d-none', at('5') + 2],
    ]);
  });

  it('never lets a message with an earlier date jump ahead of the one before it', () => {
    const { messages } = convertAiSdkMessages(
      [
        { id: 'late', role: 'user', content: 'a', createdAt: 2_000_000_000_000 },
        { id: 'early', role: 'assistant', content: 'b', createdAt: 1_000_000_000_000 },
      ],
      ctx,
    );
    expect(messages.map((m) => m.id)).toEqual(['late', 'early']);
    expect(messages[1]!.createdAt).toBe(2_000_000_000_001);
  });

  it('handles v4, v5 and model-message shapes in one array and skips what is not a message', () => {
    const { messages, skipped } = convertAiSdkMessages(mixedShapes(), ctx);
    expect(messages.map((m) => m.id)).toEqual(['mx-u1', 'mx-a1', 'mx-a1:tool:c1', 'mx-a2', 'mx-t2', 'mx-u2']);
    expect(byId(messages, 'mx-a1:tool:c1').toolResult).toBe(4);
    expect(byId(messages, 'mx-a2')).toMatchObject({
      content: 'Model message with a call',
      toolCalls: [{ id: 'c2', name: 'lookup', arguments: { q: 'x' } }],
    });
    expect(byId(messages, 'mx-t2')).toMatchObject({
      role: 'tool',
      toolCallId: 'c2',
      toolName: 'lookup',
      toolResult: { found: true },
    });
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/Entry 0 is a string/),
      expect.stringMatching(/Entry 1 is null/),
      expect.stringMatching(/Entry 6 has role "data"/),
      expect.stringMatching(/Entry 7 has role "moderator"/),
      expect.stringMatching(/Entry 8 has content that is an object; expected text or a list of parts/),
    ]);
    expect(skipped.slice(2).map((s) => s.id)).toEqual(['mx-data', 'mx-weird', 'mx-obj']);
  });

  it('keeps half-streamed calls of every generation with their partial input, marked interrupted', () => {
    const { messages } = convertAiSdkMessages(halfStreamed(), ctx);
    expect(byId(messages, 'hs-v4')).toMatchObject({
      status: 'interrupted',
      content: 'Searching',
      toolCalls: [{ id: 'p1', name: 'flights', arguments: { from: 'BE' } }],
    });
    expect(byId(messages, 'hs-v5')).toMatchObject({
      status: 'interrupted',
      toolCalls: [{ id: 'p2', name: 'flights', arguments: null }],
    });
    expect(byId(messages, 'hs-u').status).toBe('complete');
  });

  it('keeps 1 MB of text and astral characters exactly', () => {
    const big = hugeText();
    const { messages } = convertAiSdkMessages(
      [
        { id: 'big', role: 'user', content: big },
        { id: 'emoji', role: 'assistant', parts: [{ type: 'text', text: EMOJI_TEXT }] },
      ],
      ctx,
    );
    expect(messages[0]!.content).toBe(big);
    expect(messages[0]!.content.length).toBe(1024 * 1024);
    expect(messages[1]!.content).toBe(EMOJI_TEXT);
  });

  it('turns tool results that are not JSON into JSON instead of failing', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const { messages, skipped } = convertAiSdkMessages(
      [
        {
          id: 'nj',
          role: 'assistant',
          content: '',
          toolInvocations: [
            {
              state: 'result',
              toolCallId: 't1',
              toolName: 'odd',
              args: { when: new Date('2024-02-02T00:00:00.000Z'), big: 10n },
              result: { cyclic, nan: Number.NaN, fn: () => 1, bytes: new Uint8Array([104, 105]) },
            },
          ],
        },
      ],
      ctx,
    );
    expect(skipped).toEqual([]);
    const tool = byId(messages, 'nj:tool:t1');
    expect(isJsonValue(tool.toolResult)).toBe(true);
    expect(tool.toolResult).toEqual({
      cyclic: { name: 'loop', self: '[Circular]' },
      nan: null,
      bytes: 'aGk=',
    });
    expect(byId(messages, 'nj').toolCalls![0]!.arguments).toEqual({
      when: '2024-02-02T00:00:00.000Z',
      big: '10',
    });
  });

  it('keeps the later copy when one id appears twice', () => {
    const { messages, skipped } = convertAiSdkMessages(
      [
        { id: 'dup', role: 'assistant', content: 'Partial ans' },
        { id: 'other', role: 'user', content: 'q' },
        { id: 'dup', role: 'assistant', content: 'Partial answer, now complete.' },
      ],
      ctx,
    );
    expect(messages.map((m) => [m.id, m.content])).toEqual([
      ['other', 'q'],
      ['dup', 'Partial answer, now complete.'],
    ]);
    expect(skipped).toEqual([{ id: 'dup', reason: expect.stringMatching(/repeats message id dup/) }]);
  });

  it('shortens ids longer than the record limit the same way every time', () => {
    const long = 'x'.repeat(500);
    const a = convertAiSdkMessages([{ id: long, role: 'user', content: 'hi' }], ctx).messages[0]!;
    const b = convertAiSdkMessages([{ id: long, role: 'user', content: 'hi' }], ctx).messages[0]!;
    expect(a.id.length).toBeLessThanOrEqual(200);
    expect(a.id).toBe(b.id);
  });

  it('keeps numeric ids as text', () => {
    const { messages } = convertAiSdkMessages([{ id: 7, role: 'user', content: 'numbered' }], ctx);
    expect(messages[0]!.id).toBe('7');
  });

  it('returns nothing for an empty array', () => {
    expect(convertAiSdkMessages([], ctx)).toEqual({ messages: [], skipped: [] });
  });

  it('produces only messages that pass validateMessageInput', () => {
    const all = [
      ...loadFixture('v4-history'),
      ...loadFixture('v5-history'),
      ...mixedShapes(),
      ...halfStreamed(),
      ...messagesWithEveryDateForm(),
    ];
    const { messages } = convertAiSdkMessages(all, ctx);
    expect(messages.length).toBeGreaterThan(20);
    for (const m of messages) expect(() => validateMessageInput(m)).not.toThrow();
  });

  it('refuses a missing conversation or project id with a ChatStorageError', () => {
    expect(() => convertAiSdkMessages([], { conversationId: '', projectId: 'p' })).toThrow(ChatStorageError);
    expect(() => convertAiSdkMessages([], { conversationId: 'c', projectId: '' })).toThrow(/ctx.projectId/);
    expect(() => convertAiSdkMessages({} as unknown as unknown[], ctx)).toThrow(/expects an array/);
  });
});
