// base64url without padding (RFC 4648 §5), the text form of every byte string
// the crypto module stores or sends. btoa/atob exist in browsers and Node;
// Node's Buffer does the same much faster.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Node's Buffer, where there is one: its codec is far faster than btoa/atob over a binary string. */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(
        bytes: Uint8Array | string,
        encoding?: 'base64url',
      ): Uint8Array & { toString(encoding: 'base64url'): string };
    };
  }
).Buffer;

export function toBase64url(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes).toString('base64url');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url text; undefined when it is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  return isBase64url(text) ? decodeBase64url(text) : undefined;
}

/** The bytes of a text already checked with isBase64url (as the envelope schema does): not checked again. */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  // Copied into a buffer of its own: a short Buffer may sit in Node's shared pool.
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64url'));
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function isBase64url(text: string): boolean {
  return BASE64URL.test(text) && text.length % 4 !== 1;
}
