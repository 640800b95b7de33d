import { createDemoAssistant } from './demo.js';
import { createOpenAICompatibleAssistant, type OpenAICompatibleSettings } from './openai-compatible.js';
import type { Assistant } from './types.js';

export type AssistantSettings = { kind: 'demo' } | ({ kind: 'openai' } & OpenAICompatibleSettings);

export function createAssistant(settings: AssistantSettings): Assistant {
  return settings.kind === 'openai' ? createOpenAICompatibleAssistant(settings) : createDemoAssistant();
}

export type { Assistant, AssistantEvent } from './types.js';
