// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TEXT, type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import { createAssistant } from './index.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

describe('createAssistant', () => {
  it('streams from an OpenAI-compatible endpoint through the client it loads on the first answer', async () => {
    const assistant = createAssistant({
      kind: 'openai',
      baseURL: server.url,
      apiKey: 'k',
      model: 'fake-model',
      tools: false,
    });
    expect(assistant.model).toBe('fake-model');
    let text = '';
    for await (const e of assistant.step({
      history: [
        {
          id: 'u1',
          conversationId: 'c',
          projectId: 'p',
          role: 'user',
          content: 'hi',
          status: 'complete',
          parentId: null,
          createdAt: 1,
          updatedAt: 1,
        },
      ],
      signal: new AbortController().signal,
    })) {
      if (e.type === 'text') text += e.delta;
    }
    expect(text).toBe(FAKE_TEXT);
  });
});
