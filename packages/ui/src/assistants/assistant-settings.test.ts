import { describe, expect, it } from 'vitest';
import { contextNote, offlineComposerNote } from './assistant-settings.js';

describe('the line under the composer about what the model sees', () => {
  it('says how many of how many messages are sent, with thousands separated', () => {
    expect(contextNote(5001, 100)).toBe('The model sees the last 100 of 5,001 messages');
    expect(contextNote(101, 100)).toBe('The model sees the last 100 of 101 messages');
  });
  it('is absent while the whole conversation is sent', () => {
    expect(contextNote(100, 100)).toBeUndefined();
    expect(contextNote(0, 100)).toBeUndefined();
  });
});

describe('the composer note while offline', () => {
  const remote = { baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini' };
  it('offline, a message to a remote model waits, and the note names it', () => {
    expect(offlineComposerNote('openai', remote, false)).toMatch(
      /offline.*gpt-4o-mini.*sent when you are back online/,
    );
  });
  it('the demo, a server on this machine, or being online change nothing', () => {
    expect(offlineComposerNote('demo', remote, false)).toBeUndefined();
    expect(offlineComposerNote('openai', remote, true)).toBeUndefined();
    expect(
      offlineComposerNote('openai', { baseURL: 'http://localhost:11434/v1', model: 'l' }, false),
    ).toBeUndefined();
    expect(
      offlineComposerNote('openai', { baseURL: 'http://127.0.0.1:1234/v1', model: 'x' }, false),
    ).toBeUndefined();
  });
});
