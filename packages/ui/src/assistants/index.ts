import { createDemoAssistant } from './demo.js';
import type { OpenAICompatibleSettings } from './openai-compatible.js';
import type { Assistant } from './types.js';

export type AssistantSettings = { kind: 'demo' } | ({ kind: 'openai' } & OpenAICompatibleSettings);

export function createAssistant(settings: AssistantSettings): Assistant {
  return settings.kind === 'openai' ? lazyOpenAICompatible(settings) : createDemoAssistant();
}

// The OpenAI client is the biggest part of the app's code and nothing on
// screen needs it until an answer is asked for: it loads apart, after start.
type OpenAIModule = typeof import('./openai-compatible.js');
let openAIModule: Promise<OpenAIModule> | undefined;

/** Loads the endpoint client ahead of the first answer (the service worker then keeps it for offline starts). */
export function preloadAssistants(): Promise<OpenAIModule> {
  openAIModule ??= import('./openai-compatible.js').catch((error: unknown) => {
    // Not loaded (offline before it was ever cached): the next answer tries again.
    openAIModule = undefined;
    throw error;
  });
  return openAIModule;
}

function lazyOpenAICompatible(settings: OpenAICompatibleSettings): Assistant {
  let assistant: Assistant | undefined;
  return {
    model: settings.model,
    async *step(request) {
      assistant ??= (await preloadAssistants()).createOpenAICompatibleAssistant(settings);
      yield* assistant.step(request);
    },
  };
}

export type { Assistant, AssistantEvent } from './types.js';
