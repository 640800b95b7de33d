// The built-in offline "Demo assistant": no model, no network. Scripted,
// deterministic answers in Markdown, streamed at a typing pace, with a
// calculator and a clock tool call for prompts that ask for them.
import type { Message } from '@chatkeep/storage';
import type { Assistant, AssistantEvent, StepRequest } from './types.js';

export const DEMO_MODEL = 'demo';

export interface DemoOptions {
  /** Waits between chunks; injected in tests. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
  tickMs?: number;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The same prompt always streams in the same chunks: 30-60 characters per tick. */
export function chunkText(text: string, seed: number): string[] {
  const chunks: string[] = [];
  let state = seed || 1;
  for (let i = 0; i < text.length; ) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const size = 30 + (state % 31);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

const abortable = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** The arithmetic a prompt asks for, if any: "what is 12 * (3 + 4)?" -> "12 * (3 + 4)". */
export function findExpression(prompt: string): string | undefined {
  const candidates = prompt.match(/[-+*/%^().\d\s]+/g) ?? [];
  for (const c of candidates) {
    const e = c.trim();
    if (/\d/.test(e) && /\d\s*[-+*/%^]\s*[-(.\d]/.test(e)) return e;
  }
  return undefined;
}

const quote = (text: string) =>
  text
    .split('\n')
    .slice(0, 6)
    .map((l) => `> ${l}`)
    .join('\n');

function markdownShowcase(): string {
  return [
    '## What Markdown looks like here',
    '',
    'Answers render **bold**, *italic*, `inline code`, [links](https://example.com) and lists:',
    '',
    '1. Numbered items',
    '2. With **emphasis**',
    '   - and nested bullets',
    '',
    '| Feature | Where it lives |',
    '| --- | --- |',
    '| History | IndexedDB on this device |',
    '| Sync | Your own server, optional |',
    '| Export | JSON or Markdown |',
    '',
    '```ts',
    "import { openChatStorage } from '@chatkeep/storage';",
    '',
    'const storage = await openChatStorage();',
    "const conversation = await storage.createConversation({ projectId: 'default' });",
    '```',
    '',
    'Math is typeset: $E=mc^2$ inline, and on its own line',
    '',
    '$$',
    '\\int_0^1 x^2\\,dx = \\frac{1}{3}',
    '$$',
    '',
    '- [x] Task lists work too',
    '- [ ] Press the copy button on the code block above',
  ].join('\n');
}

function longAnswer(prompt: string): string {
  const topics = [
    'the lighthouse keeper who wrote down every ship that passed',
    'a library that remembered every question ever asked in it',
    'a cartographer mapping a city that changed each night',
    'a gardener who kept seeds from every summer',
  ];
  const topic = topics[hash(prompt) % topics.length]!;
  const paragraphs: string[] = [`## A story about ${topic}`, ''];
  for (let i = 1; i <= 40; i++) {
    paragraphs.push(
      `**Part ${i}.** Every evening the notes grew longer. Nothing was thrown away: each page was copied twice, ` +
        `once for the shelf and once for the box under the stairs, so that a storm, a fire or a careless ` +
        `visitor could never take the whole record at once. By part ${i} the keeper had learned that ` +
        `keeping things is mostly patience, and a little bit of redundancy.`,
      '',
    );
  }
  paragraphs.push('*The end.* (This is the offline demo assistant: the story is scripted.)');
  return paragraphs.join('\n');
}

function introAnswer(prompt: string): string {
  return [
    '**This is the demo assistant** — it runs offline, inside this page, and gives scripted answers. Choose an OpenAI-compatible endpoint in **Settings** to talk to a real model.',
    '',
    'You wrote:',
    '',
    quote(prompt),
    '',
    'Things to try:',
    '',
    '- `What is 12 * (7 + 5)?` — calls the **calculator** tool',
    '- `What time is it?` — calls the **clock** tool',
    '- `Show me some markdown` — tables, code and lists',
    '- `Tell me a long story` — a long answer you can **Stop** halfway',
    '',
    'Everything you write is saved on this device as you go, even while an answer is streaming.',
  ].join('\n');
}

function lastUserText(history: Message[]): string {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role === 'user') return history[i]!.content;
  }
  return '';
}

/** The tool results that answer the latest assistant message's tool calls. */
function trailingToolResults(history: Message[]): Message[] {
  const results: Message[] = [];
  for (let i = history.length - 1; i >= 0 && history[i]!.role === 'tool'; i--) results.unshift(history[i]!);
  return results;
}

function answerFromTools(results: Message[]): string {
  return results
    .map((r) => {
      const out = (r.toolResult ?? {}) as Record<string, unknown>;
      if (out.error) return `The ${r.toolName} tool could not help: ${String(out.error)}`;
      if (r.toolName === 'calculator') {
        return `The calculator says:\n\n\`${String(out.expression)}\` = **${String(out.result)}**`;
      }
      if (r.toolName === 'clock') {
        return `It is **${String(out.local)}** in your time zone (${String(out.timeZone)}).`;
      }
      return `The ${r.toolName} tool answered:\n\n\`\`\`json\n${JSON.stringify(out, null, 2)}\n\`\`\``;
    })
    .join('\n\n');
}

export function createDemoAssistant(options: DemoOptions = {}): Assistant {
  const delay = options.delay ?? abortable;
  const tickMs = options.tickMs ?? 50;

  async function* streamText(text: string, signal: AbortSignal): AsyncGenerator<AssistantEvent> {
    for (const chunk of chunkText(text, hash(text))) {
      await delay(tickMs, signal);
      yield { type: 'text', delta: chunk };
    }
  }

  return {
    model: DEMO_MODEL,
    async *step({ history, signal }: StepRequest): AsyncGenerator<AssistantEvent> {
      // Thinking time before the first token, as a real model has.
      await delay(tickMs * 4, signal);
      const toolResults = trailingToolResults(history);
      if (toolResults.length > 0) {
        yield* streamText(answerFromTools(toolResults), signal);
        return;
      }
      const prompt = lastUserText(history);
      const id = `call_demo_${hash(`${prompt}:${history.length}`).toString(36)}`;
      const expression = findExpression(prompt);
      if (expression) {
        yield { type: 'text', delta: 'Let me work that out with the calculator.' };
        yield { type: 'tool-call', call: { id, name: 'calculator', arguments: { expression } } };
        return;
      }
      if (/\b(time|clock|date|today)\b/i.test(prompt)) {
        yield { type: 'tool-call', call: { id, name: 'clock', arguments: {} } };
        return;
      }
      if (/\b(markdown|table|code)\b/i.test(prompt)) {
        yield* streamText(markdownShowcase(), signal);
        return;
      }
      if (/\b(long|story|essay)\b/i.test(prompt)) {
        yield* streamText(longAnswer(prompt), signal);
        return;
      }
      yield* streamText(introAnswer(prompt), signal);
    },
  };
}
