import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../test/memory-storage.js';
import { createViewMemory, draftKey } from './view-memory.js';

describe('view memory', () => {
  it('keeps one draft per conversation and one for the unsaved new chat of each project', () => {
    const memory = createViewMemory(new MemoryStorage());
    memory.setDraft(draftKey('c1', 'p'), 'half a thought');
    memory.setDraft(draftKey(null, 'p'), 'new chat text');
    expect(memory.getDraft(draftKey('c1', 'p'))).toBe('half a thought');
    expect(memory.getDraft(draftKey(null, 'p'))).toBe('new chat text');
    expect(memory.getDraft(draftKey(null, 'other'))).toBe('');
  });

  it('removes an emptied draft instead of storing an empty string', () => {
    const kv = new MemoryStorage();
    const memory = createViewMemory(kv);
    memory.setDraft('c1', 'x');
    memory.setDraft('c1', '');
    expect(kv.length).toBe(0);
  });

  it('remembers the scroll anchor and forgets everything of a deleted conversation', () => {
    const memory = createViewMemory(new MemoryStorage());
    memory.setScroll('c1', { anchorId: 'm5', offset: 12, atBottom: false });
    memory.setDraft('c1', 'draft');
    expect(memory.getScroll('c1')).toEqual({ anchorId: 'm5', offset: 12, atBottom: false });
    memory.forget('c1');
    expect(memory.getScroll('c1')).toBeUndefined();
    expect(memory.getDraft('c1')).toBe('');
  });

  it('treats a broken localStorage as empty rather than failing', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {},
    };
    const memory = createViewMemory(broken);
    expect(memory.getDraft('c1')).toBe('');
    expect(() => memory.setDraft('c1', 'x')).not.toThrow();
  });
});
