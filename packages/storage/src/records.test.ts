import { describe, expect, it } from 'vitest';
import { buildMessage } from './records.js';
import type { Message, MessageInput } from './types.js';

const input: MessageInput = {
  id: 'm2',
  conversationId: 'c1',
  projectId: 'p1',
  role: 'assistant',
  content: 'Hello',
};

describe('buildMessage', () => {
  it('builds a new message with defaults, leaving undefined fields out and parentId last', () => {
    const message = buildMessage({ ...input, metadata: undefined, parentId: 'm1' }, undefined, 1000);
    expect(message).toEqual({
      id: 'm2',
      conversationId: 'c1',
      projectId: 'p1',
      role: 'assistant',
      content: 'Hello',
      status: 'complete',
      createdAt: 1000,
      updatedAt: 1000,
      parentId: 'm1',
    });
    expect('metadata' in message).toBe(false);
    expect(Object.keys(message).at(-1)).toBe('parentId');
  });

  it('places a message without parentId under the message it follows, or at the root', () => {
    expect(buildMessage(input, undefined, 1, 'm1').parentId).toBe('m1');
    expect(buildMessage(input, undefined, 1).parentId).toBeNull();
    expect(buildMessage({ ...input, parentId: null }, undefined, 1, 'm1').parentId).toBeNull();
  });

  it('writes parentId last, wherever the input has it', () => {
    const first = { parentId: 'm1', ...input } as MessageInput;
    expect(JSON.stringify(buildMessage(first, undefined, 5))).toBe(
      JSON.stringify(buildMessage({ ...input, parentId: 'm1' }, undefined, 5)),
    );
  });

  it('keeps what a re-save leaves out, its parent and its creation time, and takes what it changes', () => {
    const existing: Message = {
      ...input,
      status: 'streaming',
      metadata: { model: 'm' },
      createdAt: 10,
      updatedAt: 20,
      parentId: 'm1',
    };
    const message = buildMessage({ ...input, content: 'Hello there', status: undefined }, existing, 30);
    expect(message).toEqual({ ...existing, content: 'Hello there', updatedAt: 30 });
    expect(JSON.stringify(message)).toBe(
      JSON.stringify({ ...existing, content: 'Hello there', updatedAt: 30 }),
    );
  });

  it('refuses to move a stored message to another conversation', () => {
    const existing = buildMessage(input, undefined, 1);
    expect(() => buildMessage({ ...input, conversationId: 'c2' }, existing, 2)).toThrow(/cannot be moved/);
  });
});
