import { describe, expect, it } from 'vitest';
import { deleteMessageWarning, deleteWarning } from './delete-warning.js';

describe('deleteWarning', () => {
  it('counts one message in the singular and several in the plural', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 1 }, 1, false)).toBe(
      '“Trip” and its 1 message will be deleted from this device. This cannot be undone.',
    );
    expect(deleteWarning({ title: 'Trip', messageCount: 4 }, 4, false)).toContain('its 4 messages');
  });

  it('counts the messages of every version, not only the branch shown', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 4 }, 7, false)).toContain(
      'all its 7 messages (3 of them in other versions) will be deleted',
    );
  });

  it('gives no number before the total is read', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 4 }, undefined, false)).toBe(
      '“Trip” and all its messages will be deleted from this device. This cannot be undone.',
    );
  });

  it('with sync on it says the other devices lose the conversation too', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 2 }, 2, true)).toContain(
      'from this device and, through sync, from your other devices',
    );
  });

  it('an untitled conversation is named as the list shows it', () => {
    expect(deleteWarning({ title: '', messageCount: 0 }, 0, false)).toMatch(/^“New chat” and its 0 messages/);
  });
});

describe('deleteMessageWarning', () => {
  it('says how many messages go with the message', () => {
    expect(deleteMessageWarning(1)).toBe('This message will be deleted. This cannot be undone.');
    expect(deleteMessageWarning(2)).toContain('the 1 message after it (2 in all');
    expect(deleteMessageWarning(5)).toContain('the 4 messages after it (5 in all');
  });
});
