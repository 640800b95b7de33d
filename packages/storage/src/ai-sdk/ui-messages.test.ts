// UIMessages of the real `ai` package (v6) through Chatkeep storage and back.
import { type ChatInit, type UIMessage, validateUIMessages } from 'ai';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { openDb } from '../export/test-support/databases.js';
import type { Message } from '../types.js';
import { fromUIMessages, toUIMessages } from './ui-messages.js';

type Metadata = { model?: string; createdAt?: number };
type AppMessage = UIMessage<Metadata, { weather: { city: string; celsius: number } }>;

const json = fc.jsonValue({ maxDepth: 3 });
const providerMetadata = fc.option(fc.record({ openai: fc.record({ itemId: fc.string() }) }), {
  nil: undefined,
});
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops keys whose value is undefined, as JSON (and so storage) does. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const toolStates = fc.oneof(
  fc.record({ state: fc.constant('input-streaming'), input: optional(json) }),
  fc.record({ state: fc.constant('input-available'), input: json }),
  fc.record({
    state: fc.constant('output-available'),
    input: json,
    output: json,
    preliminary: optional(fc.boolean()),
  }),
  fc.record({ state: fc.constant('output-error'), input: json, errorText: fc.string({ minLength: 1 }) }),
  fc.record({
    state: fc.constant('approval-requested'),
    input: json,
    approval: fc.record({ id: fc.uuid() }),
  }),
  fc.record({
    state: fc.constant('approval-responded'),
    input: json,
    approval: fc.record({ id: fc.uuid(), approved: fc.boolean() }),
  }),
  fc.record({
    state: fc.constant('output-denied'),
    input: json,
    approval: fc.record({ id: fc.uuid(), approved: fc.constant(false), reason: optional(fc.string()) }),
  }),
);

const part = fc.oneof(
  fc.record({
    type: fc.constant('text'),
    text: fc.string(),
    state: optional(fc.constantFrom('streaming', 'done')),
    providerMetadata,
  }),
  fc.record({
    type: fc.constant('reasoning'),
    text: fc.string(),
    state: optional(fc.constantFrom('streaming', 'done')),
    providerMetadata,
  }),
  fc.record({
    type: fc.constant('file'),
    mediaType: fc.constantFrom('image/png', 'application/pdf'),
    url: fc.constantFrom('https://example.com/a.png', 'data:image/png;base64,iVBORw0KGgo='),
    filename: optional(fc.string({ minLength: 1 })),
  }),
  fc.record({
    type: fc.constant('source-url'),
    sourceId: fc.uuid(),
    url: fc.webUrl(),
    title: optional(fc.string()),
  }),
  fc.record({
    type: fc.constant('source-document'),
    sourceId: fc.uuid(),
    mediaType: fc.constant('application/pdf'),
    title: fc.string(),
    filename: optional(fc.string({ minLength: 1 })),
  }),
  fc.constant({ type: 'step-start' }),
  fc.record({
    type: fc.constant('data-weather'),
    id: optional(fc.uuid()),
    data: fc.record({ city: fc.string(), celsius: fc.integer() }),
  }),
  fc
    .tuple(
      fc.constantFrom('getWeather', 'search_web', 'run-code'),
      fc.uuid(),
      toolStates,
      optional(fc.boolean()),
    )
    .map(([name, toolCallId, state, providerExecuted]) => ({
      type: `tool-${name}`,
      toolCallId,
      providerExecuted,
      ...state,
    })),
  fc
    .tuple(fc.string({ minLength: 1 }), fc.uuid(), toolStates)
    .map(([toolName, toolCallId, state]) => ({ type: 'dynamic-tool', toolName, toolCallId, ...state })),
);

const conversation = fc
  .array(
    fc.record({
      role: fc.constantFrom('user', 'assistant', 'system'),
      metadata: optional(fc.record({ model: optional(fc.string()) }).map(defined)),
      parts: fc.array(part.map(defined), { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((list) => list.map((m, i) => defined({ id: `msg-${i}`, ...m })) as unknown as AppMessage[]);

async function roundTrip(messages: AppMessage[], conversationId = 'chat-1'): Promise<AppMessage[]> {
  const db = await openDb();
  const saved = fromUIMessages(messages, { conversationId, projectId: 'default', now: Date.UTC(2025, 0, 1) });
  await db.saveConversation({ id: conversationId, projectId: 'default' }, saved);
  const { messages: stored } = await db.getMessages(conversationId);
  return toUIMessages<AppMessage>(stored);
}

describe('AI SDK UI messages through Chatkeep storage', () => {
  it('come back exactly as they were given, whatever their parts', async () => {
    await fc.assert(
      fc.asyncProperty(conversation, async (messages) => {
        expect(await roundTrip(messages)).toEqual(messages);
      }),
      { numRuns: 60 },
    );
  });

  it("come back valid for the ai package's own validation", async () => {
    const messages: AppMessage[] = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Oslo?' }] },
      {
        id: 'a1',
        role: 'assistant',
        metadata: { model: 'gpt-5' },
        parts: [
          { type: 'step-start' },
          { type: 'reasoning', text: 'Look it up.', state: 'done' },
          {
            type: 'tool-getWeather',
            toolCallId: 'call-1',
            state: 'output-available',
            input: { city: 'Oslo' },
            output: { celsius: 4 },
          },
          { type: 'data-weather', id: 'w1', data: { city: 'Oslo', celsius: 4 } },
          { type: 'source-url', sourceId: 's1', url: 'https://yr.no', title: 'Yr' },
          { type: 'text', text: 'It is 4 °C in Oslo.', state: 'done' },
        ],
      },
    ];
    const back = await roundTrip(messages);
    expect(await validateUIMessages<AppMessage>({ messages: back })).toEqual(messages);
  });

  it('are stored so that the Chatkeep app shows them: text, reasoning, tool calls and results', async () => {
    const db = await openDb();
    const saved = fromUIMessages(
      [
        { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Oslo?' }] },
        {
          id: 'a1',
          role: 'assistant',
          parts: [
            { type: 'reasoning', text: 'Look it up.' },
            {
              type: 'tool-getWeather',
              toolCallId: 'call-1',
              state: 'output-available',
              input: { city: 'Oslo' },
              output: 4,
            },
            { type: 'text', text: 'It is 4 °C.' },
          ],
        },
      ] satisfies UIMessage[],
      { conversationId: 'c', projectId: 'default' },
    );
    await db.saveConversation({ id: 'c', projectId: 'default' }, saved);
    const stored = await db.loadConversation('c');
    expect(stored.map((m) => [m.id, m.role, m.parentId, m.content])).toEqual([
      ['u1', 'user', null, 'Weather in Oslo?'],
      ['a1', 'assistant', 'u1', 'It is 4 °C.'],
      ['a1:tool:call-1', 'tool', 'a1', '4'],
    ]);
    expect(stored[1]).toMatchObject({
      toolCalls: [{ id: 'call-1', name: 'getWeather', arguments: { city: 'Oslo' } }],
      metadata: { reasoning: 'Look it up.' },
    });
    expect(stored[2]).toMatchObject({ toolCallId: 'call-1', toolResult: 4 });
  });

  it('keep a regenerated answer as a new version of the old one', async () => {
    const db = await openDb();
    const question: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] };
    const first: UIMessage = { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hello' }] };
    const second: UIMessage = { id: 'a2', role: 'assistant', parts: [{ type: 'text', text: 'Hey there' }] };
    const ctx = { conversationId: 'c', projectId: 'default' };
    await db.saveConversation(
      { id: 'c', projectId: 'default' },
      fromUIMessages([question, first], { ...ctx, now: 1000 }),
    );
    await db.saveConversation(
      { id: 'c', projectId: 'default' },
      fromUIMessages([question, second], { ...ctx, now: 2000 }),
    );
    expect(toUIMessages((await db.getMessages('c')).messages)).toEqual([question, second]);
    expect((await db.listVersions('a2')).versions.map((m) => m.id)).toEqual(['a1', 'a2']);
  });

  it('are made from messages Chatkeep wrote itself or imported', () => {
    const base = {
      conversationId: 'c',
      projectId: 'p',
      status: 'complete' as const,
      createdAt: 1,
      updatedAt: 1,
    };
    const stored: Message[] = [
      { ...base, id: 'u', role: 'user', content: 'Plot it', parentId: null },
      {
        ...base,
        id: 'a',
        role: 'assistant',
        content: 'Done.',
        parentId: 'u',
        toolCalls: [{ id: 't1', name: 'python', arguments: { code: 'plot()' } }],
        metadata: {
          reasoning: 'Use matplotlib.',
          attachments: [
            { name: 'plot.png', mediaType: 'image/png', url: 'https://example.com/plot.png' },
            { name: 'missing.png', mediaType: 'image/*' },
          ],
        },
      },
      {
        ...base,
        id: 'r',
        role: 'tool',
        content: 'ok',
        parentId: 'a',
        toolCallId: 't1',
        toolResult: { ok: true },
      },
    ];
    expect(toUIMessages<UIMessage>(stored)).toEqual([
      { id: 'u', role: 'user', parts: [{ type: 'text', text: 'Plot it' }] },
      {
        id: 'a',
        role: 'assistant',
        parts: [
          { type: 'reasoning', text: 'Use matplotlib.' },
          {
            type: 'tool-python',
            toolCallId: 't1',
            state: 'output-available',
            input: { code: 'plot()' },
            output: { ok: true },
          },
          { type: 'text', text: 'Done.' },
          { type: 'file', mediaType: 'image/png', filename: 'plot.png', url: 'https://example.com/plot.png' },
        ],
      },
    ]);
  });

  it("accept and return ai's UIMessage type with the app's own metadata and parts", () => {
    expectTypeOf(toUIMessages<AppMessage>([])).toEqualTypeOf<AppMessage[]>();
    // Inferred from where the result goes, as in useChat({ messages: toUIMessages(...) }).
    const messages: UIMessage[] = toUIMessages([]);
    expectTypeOf<AppMessage[]>().toExtend<Parameters<typeof fromUIMessages>[0]>();
    expect(fromUIMessages(messages, { conversationId: 'c', projectId: 'p' })).toEqual([]);
  });

  it('refuses what is not a UI message, saying what was expected', () => {
    expect(() =>
      fromUIMessages([{ role: 'user' } as unknown as UIMessage], { conversationId: 'c', projectId: 'p' }),
    ).toThrow(/entry 0 is not a UI message: expected \{id, role, parts/);
  });
});

describe("the README's useChat example", () => {
  it("type-checks against ai's ChatInit and keeps the chat across a reload", async () => {
    const storage = await openDb();
    const chatId = 'readme-chat';
    const load = async (): Promise<ChatInit<UIMessage>> => {
      // The README's lines, with useChat's options typed by the ai package.
      const { messages: saved } = await storage.getMessages(chatId, { limit: 10_000 });
      return {
        id: chatId,
        messages: toUIMessages(saved),
        onFinish: ({ messages }) =>
          storage.saveConversation(
            { id: chatId, projectId: 'default' },
            fromUIMessages(messages, { conversationId: chatId, projectId: 'default' }),
          ),
      };
    };
    const first = await load();
    expect(first.messages).toEqual([]);
    const messages: UIMessage[] = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hello!' }] },
    ];
    await first.onFinish?.({
      message: messages[1]!,
      messages,
      isAbort: false,
      isDisconnect: false,
      isError: false,
    });
    // onFinish returns before the write finishes: wait for it as the next page load would.
    await expect.poll(async () => (await load()).messages).toEqual(messages);
  });
});
