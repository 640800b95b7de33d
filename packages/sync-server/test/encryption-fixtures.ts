// Shapes of encrypted sync for the server tests: the server checks shape and
// size only, so random bytes of the right lengths stand in for ciphertext.
import { randomBytes } from 'node:crypto';
import type { Change } from '../src/protocol.js';

export function envelope(ctBytes = 48) {
  return {
    enc: 1,
    iv: randomBytes(12).toString('base64url'),
    ct: randomBytes(ctBytes).toString('base64url'),
  };
}

export function keyMaterial(iterations = 600_000) {
  return {
    format: 1,
    kdf: { name: 'PBKDF2-SHA256', salt: randomBytes(16).toString('base64url'), params: { iterations } },
    passphraseWrapped: randomBytes(60).toString('base64url'),
    recoveryWrapped: randomBytes(60).toString('base64url'),
    keyCheck: randomBytes(16).toString('base64url'),
  };
}

export function encryptedChange(
  kind: 'conversation' | 'message' | 'project',
  id: string,
  hlc: string,
  conversationId?: string,
): Change {
  return {
    kind,
    id,
    projectId: 'opaque-project',
    ...(conversationId ? { conversationId } : {}),
    hlc,
    deleted: false,
    data: envelope(),
  } as Change;
}
