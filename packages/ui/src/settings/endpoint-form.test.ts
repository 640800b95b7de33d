import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ENDPOINT,
  type EndpointFields,
  migrateAssistantSettings,
  useAssistantSettings,
} from '../assistants/assistant-settings.js';
import {
  type AssistantForm,
  formFromSettings,
  hasUnsavedChanges,
  parseAssistantForm,
  switchEndpoint,
} from './endpoint-form.js';

const openai: EndpointFields = { ...DEFAULT_ENDPOINT, apiKey: 'sk-openai', model: 'gpt-4o-mini' };
const ollama = { name: 'Ollama', baseURL: 'http://localhost:11434/v1', model: 'llama3.2' };

function savedForm(endpoint = openai): AssistantForm {
  return formFromSettings({ kind: 'openai', endpoint, contextMessages: 100 });
}

describe('an API key belongs to its endpoint', () => {
  it('choosing another preset does not carry the key saved for the previous endpoint', () => {
    const form = switchEndpoint(savedForm(), ollama.baseURL, { [openai.baseURL]: openai }, ollama);
    expect(form).toMatchObject({ baseURL: ollama.baseURL, apiKey: '', model: 'llama3.2' });
  });

  it('choosing another preset does not carry a key just typed for the previous one either', () => {
    const typed = { ...savedForm(), apiKey: 'sk-typed', keyFrom: null };
    expect(switchEndpoint(typed, ollama.baseURL, {}, ollama).apiKey).toBe('');
  });

  it('going back to an endpoint brings back its own key, model and settings', () => {
    const profiles = {
      [openai.baseURL]: { ...openai, systemPrompt: 'Be brief.', temperature: 0.2, maxTokens: 500 },
    };
    const onOllama = switchEndpoint(savedForm(), ollama.baseURL, profiles, ollama);
    const back = switchEndpoint(onOllama, `${openai.baseURL}/`, profiles);
    expect(back).toMatchObject({
      apiKey: 'sk-openai',
      model: 'gpt-4o-mini',
      systemPrompt: 'Be brief.',
      temperature: '0.2',
      maxTokens: '500',
    });
  });

  it('typing another base URL clears a saved key but keeps one typed here', () => {
    expect(switchEndpoint(savedForm(), 'http://127.0.0.1:9/v1', {}).apiKey).toBe('');
    const typed = { ...savedForm(), apiKey: 'sk-new', keyFrom: null };
    expect(switchEndpoint(typed, 'http://127.0.0.1:9/v1', {}).apiKey).toBe('sk-new');
  });

  it('the store keeps each endpoint saved with its own key', () => {
    localStorage.clear();
    const store = useAssistantSettings.getState();
    store.save('openai', openai);
    store.save('openai', { ...DEFAULT_ENDPOINT, baseURL: ollama.baseURL, apiKey: '', model: 'llama3.2' });
    const { profiles, endpoint } = useAssistantSettings.getState();
    expect(endpoint.baseURL).toBe(ollama.baseURL);
    expect(profiles['https://api.openai.com/v1']?.apiKey).toBe('sk-openai');
    expect(profiles['http://localhost:11434/v1']?.apiKey).toBe('');
  });

  it('settings saved before profiles existed become the first endpoint profile', () => {
    const old = {
      kind: 'openai',
      endpoint: { baseURL: 'http://x.test/v1/', apiKey: 'k', model: 'm', tools: false },
    };
    const migrated = migrateAssistantSettings(old, 0);
    expect(migrated.profiles['http://x.test/v1']).toMatchObject({
      apiKey: 'k',
      model: 'm',
      systemPrompt: '',
    });
    expect(migrated.contextMessages).toBe(100);
  });
});

describe('checking the model settings', () => {
  const parse = (patch: Partial<AssistantForm>) => parseAssistantForm({ ...savedForm(), ...patch }, openai);

  it('keeps system prompt, temperature and max tokens, and leaves empty ones out', () => {
    expect(parse({ systemPrompt: 'Answer in French.', temperature: '0.7', maxTokens: '256' })).toMatchObject({
      endpoint: { systemPrompt: 'Answer in French.', temperature: 0.7, maxTokens: 256 },
    });
    const plain = parse({});
    expect('endpoint' in plain && 'temperature' in plain.endpoint).toBe(false);
  });

  it('refuses values the endpoint would refuse, saying what to enter', () => {
    expect(parse({ temperature: '3' })).toEqual({
      error: expect.stringMatching(/Temperature is a number from 0 to 2/),
    });
    expect(parse({ maxTokens: '1.5' })).toEqual({
      error: expect.stringMatching(/Max tokens is a whole number/),
    });
    expect(parse({ contextMessages: '0' })).toEqual({ error: expect.stringMatching(/from 1 to 10,000/) });
    expect(parse({ baseURL: 'ftp://x' })).toEqual({ error: expect.stringMatching(/http\(s\) address/) });
  });

  it('counts a change as unsaved until it is saved; endpoint fields do not count while the demo is chosen', () => {
    const saved = savedForm();
    expect(hasUnsavedChanges(saved, saved)).toBe(false);
    expect(hasUnsavedChanges({ ...saved, temperature: '0.3' }, saved)).toBe(true);
    expect(hasUnsavedChanges({ ...saved, systemPrompt: 'x' }, saved)).toBe(true);
    const demo = formFromSettings({ kind: 'demo', endpoint: openai, contextMessages: 100 });
    expect(hasUnsavedChanges({ ...demo, model: 'other' }, demo)).toBe(false);
    expect(hasUnsavedChanges({ ...demo, contextMessages: '50' }, demo)).toBe(true);
  });
});

beforeEach(() => localStorage.clear());
