import { describe, expect, it } from 'vitest';
import { projectDeleteWarning, projectName } from './names.js';

describe('project names and delete warnings', () => {
  it('shows a project by its name, and by its id only while its record is not read', () => {
    const projects = [{ id: '0193-abc', name: 'Travel', createdAt: 1, updatedAt: 1 }];
    expect(projectName(projects, '0193-abc')).toBe('Travel');
    expect(projectName(undefined, 'default')).toBe('default');
  });

  it('says how many conversations and messages a delete takes, and where they go', () => {
    expect(projectDeleteWarning('Work', 3, 1234, undefined, false)).toBe(
      '“Work” holds 3 conversations with 1,234 messages. They will be deleted from this device, with the project. This cannot be undone.',
    );
    expect(projectDeleteWarning('Work', 1, 1, undefined, true)).toContain(
      '1 conversation with 1 message. They will be deleted from this device and, through sync, from your other devices',
    );
    expect(projectDeleteWarning('Work', 2, 5, 'Home', false)).toBe(
      '“Work” holds 2 conversations with 5 messages. They will move to “Home”, and the project will be deleted.',
    );
  });

  it('gives no message count before it is known, and says when nothing but the name goes', () => {
    expect(projectDeleteWarning('Work', 2, undefined, undefined, false)).toMatch(
      /^“Work” holds 2 conversations\. /,
    );
    expect(projectDeleteWarning('Empty', 0, 0, undefined, false)).toBe(
      'The project “Empty” is empty; deleting it removes only its name.',
    );
  });
});
