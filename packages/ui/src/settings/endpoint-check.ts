// "Test connection" and the model list: one GET of the endpoint's /models,
// answered in words that say what works or what to fix. Plain fetch, so
// that Settings does not load the OpenAI client.

export type EndpointCheck =
  | { ok: true; models: string[]; message: string }
  | { ok: false; problem: 'offline' | 'unreachable' | 'key' | 'not-found' | 'other'; message: string };

export interface CheckOptions {
  baseURL: string;
  apiKey: string;
  /** The model chosen, to say whether the endpoint has it. */
  model?: string;
  fetch?: typeof fetch;
  /** Whether the browser knows it is offline (navigator.onLine). */
  online?: boolean;
  timeoutMs?: number;
}

export async function checkEndpoint(opts: CheckOptions): Promise<EndpointCheck> {
  const base = opts.baseURL.trim().replace(/\/+$/, '');
  const online = opts.online ?? (typeof navigator === 'undefined' ? true : navigator.onLine);
  if (!online) {
    return {
      ok: false,
      problem: 'offline',
      message: 'You are offline: connect to the network, then test the connection again.',
    };
  }
  let url: URL;
  try {
    url = new URL(`${base}/models`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    return {
      ok: false,
      problem: 'other',
      message: 'The base URL must be an http(s) address, such as http://localhost:11434/v1.',
    };
  }
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: opts.apiKey.trim() ? { authorization: `Bearer ${opts.apiKey.trim()}` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch {
    return {
      ok: false,
      problem: 'unreachable',
      message: `Could not reach ${base}: check the base URL, that the server is running, and that it allows requests from this page (CORS; for Ollama, set OLLAMA_ORIGINS).`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      ok: false,
      problem: 'key',
      message: `The endpoint refused the API key (${response.status}): check the key for ${base}${opts.apiKey.trim() ? '' : ' (none is entered)'}.`,
    };
  }
  if (response.status === 404) {
    return {
      ok: false,
      problem: 'not-found',
      message: `The endpoint has no ${url.pathname} (404): check the base URL; it usually ends in /v1.`,
    };
  }
  if (!response.ok) {
    return {
      ok: false,
      problem: 'other',
      message: `The endpoint answered ${response.status}: ${await errorDetail(response)}.`,
    };
  }
  const models = modelIds(await response.json().catch(() => undefined));
  if (!models) {
    return {
      ok: false,
      problem: 'other',
      message: `${url.href} did not answer with a model list: check the base URL; it usually ends in /v1.`,
    };
  }
  const count = `${models.length} ${models.length === 1 ? 'model' : 'models'} available`;
  const chosen = opts.model?.trim();
  const missing =
    chosen && models.length > 0 && !models.includes(chosen) ? ` ${chosen} is not among them.` : '';
  return { ok: true, models, message: `Connection works: ${count}.${missing}` };
}

/** `{data: [{id}]}` as OpenAI answers; also a bare array, as some servers do. */
function modelIds(body: unknown): string[] | undefined {
  const list = Array.isArray(body) ? body : (body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(list)) return undefined;
  const ids = list
    .map((m) => (typeof m === 'string' ? m : (m as { id?: unknown } | null)?.id))
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)].sort((a, b) => a.localeCompare(b));
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (message) return message;
  } catch {
    // Not JSON: the text itself, shortened.
  }
  return text.slice(0, 200) || response.statusText || 'no details given';
}
