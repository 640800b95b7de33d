import { describe, expect, it } from 'vitest';
import { announcementText } from './chat-controller.js';

describe('what screen readers hear when an answer ends', () => {
  it('says the answer finished, stopped or failed, with the reason', () => {
    expect(announcementText({ status: 'complete' }, undefined)).toBe('Answer finished');
    expect(announcementText({ status: 'stopped' }, undefined)).toBe('Answer stopped');
    expect(announcementText({ status: 'error', error: 'HTTP 401: bad key' }, undefined)).toBe(
      'The answer failed: HTTP 401: bad key',
    );
  });

  it('says an answer could not be saved, over any outcome', () => {
    expect(announcementText({ status: 'complete' }, new Error('disk full'))).toBe(
      'The answer could not be saved: disk full',
    );
  });
});
