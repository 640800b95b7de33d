// A local HTTP server that speaks OpenAI's chat.completions streaming format
// (SSE), tool-call deltas included. Used by the unit tests and the e2e tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAI {
  /** Base URL to give the client, ending in /v1. */
  url: string;
  /** Bodies of every chat.completions request, in order. */
  requests: {
    model: string;
    messages: { role: string; content?: unknown; tool_call_id?: string }[];
    temperature?: number;
    max_tokens?: number;
    stream_options?: { include_usage?: boolean };
  }[];
  close(): Promise<void>;
}

export const FAKE_TEXT = 'Hello from the **fake endpoint**. It streams in small pieces.';

export const FAKE_MODELS = ['fake-model', 'bad-key', 'broken'];
/** The API key `GET /models` refuses. */
export const WRONG_KEY = 'sk-wrong';

type Chunk = Record<string, unknown>;

const chunk = (delta: Chunk, finish: string | null = null) => ({
  id: 'chatcmpl-fake',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'fake-model',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function cors(res: ServerResponse) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-headers', '*');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const part of req) body += part;
  return JSON.parse(body || '{}');
}

/**
 * `GET /models` lists the scenario models, or answers 401 to the key `sk-wrong`.
 * Scenarios by model name: `fake-model` (text or calculator tool), `bad-key` (401), `broken` (500 mid-way).
 * A finished stream ends with a usage chunk (no choices) only when the request asks for it with
 * `stream_options.include_usage`, as OpenAI does: 10 prompt tokens plus one per message sent,
 * 7 completion tokens.
 * With `fake-model`, a message saying "half a call" gets a calculator call whose arguments stop
 * half-way, and the stream then stays open without another byte until the client goes away.
 */
export async function startFakeOpenAI(opts: { chunkDelayMs?: number } = {}): Promise<FakeOpenAI> {
  const delay = opts.chunkDelayMs ?? 5;
  const requests: FakeOpenAI['requests'] = [];
  const server = createServer(async (req, res) => {
    cors(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      const wrongKey = req.headers.authorization === `Bearer ${WRONG_KEY}`;
      res.writeHead(wrongKey ? 401 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          wrongKey
            ? { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }
            : { object: 'list', data: FAKE_MODELS.map((id) => ({ id, object: 'model', owned_by: 'fake' })) },
        ),
      );
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `No route ${req.method} ${req.url}`, type: 'invalid_request_error' },
        }),
      );
      return;
    }
    const body = (await readJson(req)) as unknown as FakeOpenAI['requests'][number];
    requests.push(body);
    if (body.model === 'bad-key') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = async (data: unknown) => {
      res.write(`data: ${JSON.stringify(data)}\n\n`);
      await sleep(delay);
    };
    const last = body.messages[body.messages.length - 1];
    const lastText = typeof last?.content === 'string' ? last.content : '';

    if (body.model === 'broken') {
      await send(chunk({ role: 'assistant', content: 'Partial answer before ' }));
      await send(chunk({ content: 'the failure' }));
      res.write(
        `data: ${JSON.stringify({ error: { message: 'The model crashed', type: 'server_error' } })}\n\n`,
      );
      res.end();
      return;
    }
    if (last?.role === 'tool') {
      const results = body.messages
        .filter((m) => m.role === 'tool')
        .map((m) => JSON.parse(String(m.content)) as { result?: number });
      const result = results.find((r) => r.result !== undefined) ?? {};
      await send(chunk({ role: 'assistant', content: 'The tool says ' }));
      await send(chunk({ content: `**${String(result.result)}**.` }, 'stop'));
    } else if (/half a call/i.test(lastText)) {
      await send(chunk({ role: 'assistant', content: 'Let me work that out. ' }));
      await send(
        chunk({
          tool_calls: [
            { index: 0, id: 'call_half', type: 'function', function: { name: 'calculator', arguments: '' } },
          ],
        }),
      );
      await send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expression": ' } }] }));
      await send(chunk({ tool_calls: [{ index: 0, function: { arguments: '"6 *' } }] }));
      await new Promise<void>((resolve) => res.once('close', resolve));
      return;
    } else if (/calc/i.test(lastText)) {
      // Arguments split across deltas, and two calls, as OpenAI sends them.
      await send(chunk({ role: 'assistant', content: null }));
      await send(
        chunk({
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '' } },
          ],
        }),
      );
      await send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expres' } }] }));
      await send(chunk({ tool_calls: [{ index: 0, function: { arguments: 'sion": "6 * 7"}' } }] }));
      await send(
        chunk({
          tool_calls: [
            { index: 1, id: 'call_2', type: 'function', function: { name: 'clock', arguments: '{}' } },
          ],
        }),
      );
      await send(chunk({}, 'tool_calls'));
    } else {
      await send(chunk({ role: 'assistant', content: '' }));
      for (const piece of FAKE_TEXT.match(/.{1,8}/g) ?? []) await send(chunk({ content: piece }));
      await send(chunk({}, 'stop'));
    }
    if (body.stream_options?.include_usage === true) {
      await send({
        ...chunk({}),
        choices: [],
        // The prompt grows by a token per message sent, so that successive answers report different figures.
        usage: {
          prompt_tokens: 10 + body.messages.length,
          completion_tokens: 7,
          total_tokens: 17 + body.messages.length,
        },
      });
    }
    res.write('data: [DONE]\n\n');
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
