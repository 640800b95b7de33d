// Which assistant answers: the offline demo (default) or an OpenAI-compatible
// endpoint. Kept in this browser's localStorage, never synced.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { AssistantSettings } from '../assistants/index.js';

export interface EndpointFields {
  baseURL: string;
  apiKey: string;
  model: string;
  tools: boolean;
}

export const ENDPOINT_PRESETS: { name: string; baseURL: string; model: string }[] = [
  { name: 'OpenAI', baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
  { name: 'Ollama', baseURL: 'http://localhost:11434/v1', model: 'llama3.2' },
  { name: 'LM Studio', baseURL: 'http://localhost:1234/v1', model: 'local-model' },
  { name: 'vLLM', baseURL: 'http://localhost:8000/v1', model: 'meta-llama/Llama-3.1-8B-Instruct' },
];

interface SettingsState {
  kind: 'demo' | 'openai';
  endpoint: EndpointFields;
  save(kind: 'demo' | 'openai', endpoint: EndpointFields): void;
}

export const useAssistantSettings = create<SettingsState>()(
  persist(
    (set) => ({
      kind: 'demo',
      endpoint: {
        baseURL: ENDPOINT_PRESETS[0]!.baseURL,
        apiKey: '',
        model: ENDPOINT_PRESETS[0]!.model,
        tools: true,
      },
      save: (kind, endpoint) => set({ kind, endpoint }),
    }),
    { name: 'chatkeep-assistant', storage: createJSONStorage(() => localStorage) },
  ),
);

export function currentAssistantSettings(): AssistantSettings {
  const { kind, endpoint } = useAssistantSettings.getState();
  return kind === 'openai' ? { kind, ...endpoint } : { kind: 'demo' };
}

/** What the UI calls the assistant that will answer. */
export function assistantLabel(kind: 'demo' | 'openai', model: string): string {
  return kind === 'demo' ? 'Demo assistant' : model;
}

/**
 * Why the chosen assistant cannot answer now, or undefined when it can. Only
 * a remote endpoint needs the network: the demo and servers on this machine
 * (Ollama, LM Studio on localhost) keep answering offline.
 */
export function assistantUnavailableReason(
  kind: 'demo' | 'openai',
  endpoint: Pick<EndpointFields, 'baseURL' | 'model'>,
  online: boolean,
): string | undefined {
  if (kind === 'demo' || online || isLocalAddress(endpoint.baseURL)) return undefined;
  return `You are offline, and ${endpoint.model || 'the chosen model'} answers over the network. Sending comes back when you are online; to keep chatting now, switch to the demo assistant in Settings.`;
}

function isLocalAddress(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}
