import { expect, it } from 'vitest';
import { base64urlCodecs } from './base64url.js';
import { describeKnownAnswers } from './test-support/known-answers.js';

describeKnownAnswers('Chromium');

it('Chromium encodes base64url with its own codec (Uint8Array.toBase64), not btoa over a binary string', () => {
  expect(base64urlCodecs.map((codec) => codec.name)).toEqual(['Uint8Array.toBase64', 'btoa']);
});
