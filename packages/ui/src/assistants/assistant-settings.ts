// Which assistant answers: the offline demo (default) or an OpenAI-compatible
// endpoint. Kept in this browser's localStorage, never synced. Each endpoint
// keeps its own key, model and sampling settings, so that a key typed for one
// endpoint is never sent to another.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { AssistantSettings } from './index.js';

/** What is kept per endpoint (by base URL). */
export interface EndpointProfile {
  apiKey: string;
  model: string;
  tools: boolean;
  /** Sent first in every request; empty sends none. */
  systemPrompt: string;
  /** Left out of requests when undefined: the endpoint's own default applies. */
  temperature?: number;
  maxTokens?: number;
}

export interface EndpointFields extends EndpointProfile {
  baseURL: string;
}

export const ENDPOINT_PRESETS: { name: string; baseURL: string; model: string }[] = [
  { name: 'OpenAI', baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
  { name: 'Ollama', baseURL: 'http://localhost:11434/v1', model: 'llama3.2' },
  { name: 'LM Studio', baseURL: 'http://localhost:1234/v1', model: 'local-model' },
  { name: 'vLLM', baseURL: 'http://localhost:8000/v1', model: 'meta-llama/Llama-3.1-8B-Instruct' },
];

/** How many messages of the branch go to the model with each request, unless changed in Settings. */
export const DEFAULT_CONTEXT_MESSAGES = 100;
export const MAX_CONTEXT_MESSAGES = 10_000;

export const DEFAULT_ENDPOINT: EndpointFields = {
  baseURL: ENDPOINT_PRESETS[0]!.baseURL,
  apiKey: '',
  model: ENDPOINT_PRESETS[0]!.model,
  tools: true,
  systemPrompt: '',
};

/** The key under which an endpoint's settings are kept: the base URL without spaces or trailing slashes. */
export function endpointKey(baseURL: string): string {
  return baseURL.trim().replace(/\/+$/, '');
}

export function profileOf(endpoint: EndpointFields): EndpointProfile {
  const { baseURL: _url, ...profile } = endpoint;
  return profile;
}

interface SettingsState {
  kind: 'demo' | 'openai';
  /** The endpoint in use. */
  endpoint: EndpointFields;
  /** Every endpoint saved so far, by `endpointKey`. */
  profiles: Record<string, EndpointProfile>;
  contextMessages: number;
  save(kind: 'demo' | 'openai', endpoint: EndpointFields, contextMessages?: number): void;
}

type Persisted = Pick<SettingsState, 'kind' | 'endpoint' | 'profiles' | 'contextMessages'>;

/** Version 0 kept one endpoint without a profile list or sampling settings. */
export function migrateAssistantSettings(persisted: unknown, version: number): Persisted {
  const old = (persisted ?? {}) as Partial<Persisted>;
  const endpoint = { ...DEFAULT_ENDPOINT, ...old.endpoint };
  if (version >= 1) {
    return {
      kind: old.kind ?? 'demo',
      endpoint,
      profiles: old.profiles ?? {},
      contextMessages: old.contextMessages ?? DEFAULT_CONTEXT_MESSAGES,
    };
  }
  return {
    kind: old.kind ?? 'demo',
    endpoint,
    profiles: old.endpoint ? { [endpointKey(endpoint.baseURL)]: profileOf(endpoint) } : {},
    contextMessages: DEFAULT_CONTEXT_MESSAGES,
  };
}

export const useAssistantSettings = create<SettingsState>()(
  persist(
    (set) => ({
      kind: 'demo',
      endpoint: DEFAULT_ENDPOINT,
      profiles: {},
      contextMessages: DEFAULT_CONTEXT_MESSAGES,
      save: (kind, endpoint, contextMessages) =>
        set((s) => ({
          kind,
          endpoint,
          profiles: { ...s.profiles, [endpointKey(endpoint.baseURL)]: profileOf(endpoint) },
          contextMessages: contextMessages ?? s.contextMessages,
        })),
    }),
    {
      name: 'chatkeep-assistant',
      version: 1,
      migrate: migrateAssistantSettings,
      storage: createJSONStorage(() => localStorage),
      partialize: (s): Persisted => ({
        kind: s.kind,
        endpoint: s.endpoint,
        profiles: s.profiles,
        contextMessages: s.contextMessages,
      }),
    },
  ),
);

export function currentAssistantSettings(): AssistantSettings {
  const { kind, endpoint } = useAssistantSettings.getState();
  return kind === 'openai' ? { kind, ...DEFAULT_ENDPOINT, ...endpoint } : { kind: 'demo' };
}

/** What the UI calls the assistant that will answer. */
export function assistantLabel(kind: 'demo' | 'openai', model: string): string {
  return kind === 'demo' ? 'Demo assistant' : model;
}

/** True when answers need the network: an endpoint that is not on this machine. */
export function needsNetwork(kind: 'demo' | 'openai', baseURL: string): boolean {
  return kind === 'openai' && !isLocalAddress(baseURL);
}

/**
 * What the composer says while offline, or undefined when nothing changes.
 * Only a remote endpoint needs the network: the demo and servers on this
 * machine (Ollama, LM Studio on localhost) keep answering offline.
 */
export function offlineComposerNote(
  kind: 'demo' | 'openai',
  endpoint: Pick<EndpointFields, 'baseURL' | 'model'>,
  online: boolean,
): string | undefined {
  if (online || !needsNetwork(kind, endpoint.baseURL)) return undefined;
  return `You are offline: messages to ${endpoint.model || 'the chosen model'} wait on this device and are sent when you are back online. To chat now, switch to the demo assistant in Settings.`;
}

export function isLocalAddress(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * The line under the composer when the model is sent only the end of a
 * long conversation, or undefined when it sees all of it.
 */
export function contextNote(messageCount: number, limit: number): string | undefined {
  if (messageCount <= limit) return undefined;
  const n = (x: number) => x.toLocaleString('en-US');
  return `The model sees the last ${n(limit)} of ${n(messageCount)} messages`;
}
