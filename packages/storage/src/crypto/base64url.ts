// base64url without padding (RFC 4648 §5), the text form of every byte string
// the crypto module stores or sends. Every sealed record is encoded once and
// every opened one decoded once, so the codec is on the hot path of encrypted
// sync: the runtime's own codec is used where there is one (Uint8Array's
// toBase64/fromBase64 in current browsers, Node's Buffer), and btoa/atob over
// a binary string only where neither exists.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface Base64urlCodec {
  name: string;
  encode(bytes: Uint8Array): string;
  /** Only for text already checked with isBase64url. */
  decode(text: string): Uint8Array<ArrayBuffer>;
}

/** Uint8Array.prototype.toBase64 and Uint8Array.fromBase64 (Chromium 140+, Firefox 133+, Safari 18.2+, Node 25+). */
interface NativeBase64 {
  fromBase64(
    text: string,
    options: { alphabet: 'base64url'; lastChunkHandling: 'loose' },
  ): Uint8Array<ArrayBuffer>;
  prototype: { toBase64?(options: { alphabet: 'base64url'; omitPadding: true }): string };
}

const native = Uint8Array as unknown as Partial<NativeBase64> & Pick<NativeBase64, 'prototype'>;

const nativeCodec: Base64urlCodec | undefined =
  typeof native.fromBase64 === 'function' && typeof native.prototype.toBase64 === 'function'
    ? {
        name: 'Uint8Array.toBase64',
        encode: (bytes) =>
          (bytes as unknown as Required<NativeBase64['prototype']>).toBase64({
            alphabet: 'base64url',
            omitPadding: true,
          }),
        decode: (text) =>
          (native as NativeBase64).fromBase64(text, { alphabet: 'base64url', lastChunkHandling: 'loose' }),
      }
    : undefined;

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

const bufferCodec: Base64urlCodec | undefined = NodeBuffer && {
  name: 'Buffer',
  encode: (bytes) => NodeBuffer.from(bytes).toString('base64url'),
  // Copied into a buffer of its own: a short Buffer may sit in Node's shared pool.
  decode: (text) => new Uint8Array(NodeBuffer.from(text, 'base64url')),
};

const binaryStringCodec: Base64urlCodec = {
  name: 'btoa',
  encode(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(text) {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  },
};

/** Every codec this runtime has, fastest first (the first is the one used); for tests that they agree. */
export const base64urlCodecs: readonly Base64urlCodec[] = [
  nativeCodec,
  bufferCodec,
  binaryStringCodec,
].filter((codec): codec is Base64urlCodec => codec !== undefined);

const codec = base64urlCodecs[0]!;

export function toBase64url(bytes: Uint8Array): string {
  return codec.encode(bytes);
}

/** The bytes of a base64url text; undefined when it is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  return isBase64url(text) ? decodeBase64url(text) : undefined;
}

/** The bytes of a text already checked with isBase64url (as the envelope schema does): not checked again. */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  return codec.decode(text);
}

export function isBase64url(text: string): boolean {
  return BASE64URL.test(text) && text.length % 4 !== 1;
}
