import { describe, expect, it } from 'vitest';
import { deleteWarning } from './delete-warning.js';

describe('deleteWarning', () => {
  it('counts one message in the singular and several in the plural', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 1 }, false)).toBe(
      '“Trip” and its 1 message will be deleted from this device. This cannot be undone.',
    );
    expect(deleteWarning({ title: 'Trip', messageCount: 4 }, false)).toContain('its 4 messages');
  });

  it('with sync on it says the other devices lose the conversation too', () => {
    expect(deleteWarning({ title: 'Trip', messageCount: 2 }, true)).toContain(
      'from this device and, through sync, from your other devices',
    );
  });

  it('an untitled conversation is named as the list shows it', () => {
    expect(deleteWarning({ title: '', messageCount: 0 }, false)).toMatch(/^“New chat” and its 0 messages/);
  });
});
