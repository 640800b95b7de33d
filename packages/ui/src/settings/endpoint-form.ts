// The model part of the Settings dialog as plain data: what the fields hold,
// how switching endpoints changes them (a key stays with its endpoint), how
// the text typed is checked, and whether anything is left unsaved.
import {
  DEFAULT_CONTEXT_MESSAGES,
  DEFAULT_ENDPOINT,
  type EndpointFields,
  type EndpointProfile,
  endpointKey,
  MAX_CONTEXT_MESSAGES,
} from '../assistants/assistant-settings.js';

export interface AssistantForm {
  kind: 'demo' | 'openai';
  baseURL: string;
  apiKey: string;
  /**
   * The endpoint whose saved key the key field holds, or null when the key
   * was typed here: a saved key never follows the user to another endpoint.
   */
  keyFrom: string | null;
  model: string;
  tools: boolean;
  systemPrompt: string;
  /** Field text; checked on save. */
  temperature: string;
  maxTokens: string;
  contextMessages: string;
}

export function formFromSettings(s: {
  kind: 'demo' | 'openai';
  endpoint: EndpointFields;
  contextMessages: number;
}): AssistantForm {
  const endpoint = { ...DEFAULT_ENDPOINT, ...s.endpoint };
  return {
    kind: s.kind,
    ...fieldsOf(endpoint),
    baseURL: endpoint.baseURL,
    keyFrom: endpoint.apiKey ? endpointKey(endpoint.baseURL) : null,
    contextMessages: String(s.contextMessages),
  };
}

function fieldsOf(p: EndpointProfile) {
  return {
    apiKey: p.apiKey,
    model: p.model,
    tools: p.tools,
    systemPrompt: p.systemPrompt ?? '',
    temperature: p.temperature === undefined ? '' : String(p.temperature),
    maxTokens: p.maxTokens === undefined ? '' : String(p.maxTokens),
  };
}

/**
 * The form after the base URL changes to `baseURL`: typed, or a preset
 * chosen (`preset` gives its default model). An endpoint saved before brings
 * back its own key, model and settings; otherwise a key saved for another
 * endpoint is cleared, and a preset starts from its defaults.
 */
export function switchEndpoint(
  form: AssistantForm,
  baseURL: string,
  profiles: Record<string, EndpointProfile>,
  preset?: { model: string },
): AssistantForm {
  const key = endpointKey(baseURL);
  const saved = profiles[key];
  if (saved) return { ...form, ...fieldsOf({ ...DEFAULT_ENDPOINT, ...saved }), baseURL, keyFrom: key };
  if (preset) {
    return {
      ...form,
      ...fieldsOf({ ...DEFAULT_ENDPOINT, model: preset.model }),
      baseURL,
      keyFrom: null,
    };
  }
  return form.keyFrom === null ? { ...form, baseURL } : { ...form, baseURL, apiKey: '', keyFrom: null };
}

export type ParsedForm =
  | { kind: 'demo' | 'openai'; endpoint: EndpointFields; contextMessages: number }
  | { error: string };

/** Checks what was typed; the error says what to enter. */
export function parseAssistantForm(form: AssistantForm, current: EndpointFields): ParsedForm {
  const context = form.contextMessages.trim();
  if (!/^\d+$/.test(context) || Number(context) < 1 || Number(context) > MAX_CONTEXT_MESSAGES) {
    return {
      error: `Enter how many messages to send to the model as a whole number from 1 to ${MAX_CONTEXT_MESSAGES.toLocaleString('en-US')} (default ${DEFAULT_CONTEXT_MESSAGES}).`,
    };
  }
  const contextMessages = Number(context);
  // The demo keeps the endpoint saved before, untouched.
  if (form.kind === 'demo') return { kind: 'demo', endpoint: current, contextMessages };
  const baseURL = form.baseURL.trim();
  try {
    const url = new URL(baseURL);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    return { error: 'The base URL must be an http(s) address, such as http://localhost:11434/v1.' };
  }
  const model = form.model.trim();
  if (!model) return { error: 'Name the model to use, such as gpt-4o-mini or llama3.2.' };
  let temperature: number | undefined;
  if (form.temperature.trim()) {
    temperature = Number(form.temperature.trim());
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
      return { error: 'Temperature is a number from 0 to 2 (such as 0.7); leave it empty for the default.' };
    }
  }
  let maxTokens: number | undefined;
  if (form.maxTokens.trim()) {
    maxTokens = Number(form.maxTokens.trim());
    if (!/^\d+$/.test(form.maxTokens.trim()) || maxTokens < 1) {
      return {
        error: 'Max tokens is a whole number above 0 (such as 1024); leave it empty for the default.',
      };
    }
  }
  return {
    kind: 'openai',
    endpoint: {
      baseURL,
      apiKey: form.apiKey.trim(),
      model,
      tools: form.tools,
      systemPrompt: form.systemPrompt,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    },
    contextMessages,
  };
}

/** True when the form differs from what is saved: closing it then asks first. */
export function hasUnsavedChanges(form: AssistantForm, saved: AssistantForm): boolean {
  if (form.kind !== saved.kind || form.contextMessages.trim() !== saved.contextMessages.trim()) return true;
  // Endpoint fields do not count while the demo is chosen: they are not saved then.
  if (form.kind === 'demo') return false;
  return (
    form.baseURL.trim() !== saved.baseURL.trim() ||
    form.apiKey.trim() !== saved.apiKey.trim() ||
    form.model.trim() !== saved.model.trim() ||
    form.tools !== saved.tools ||
    form.systemPrompt !== saved.systemPrompt ||
    form.temperature.trim() !== saved.temperature.trim() ||
    form.maxTokens.trim() !== saved.maxTokens.trim()
  );
}
