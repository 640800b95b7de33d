// Files handed to the import as bytes (a File or Blob from a file picker, an
// ArrayBuffer, a Uint8Array): a zip is unpacked entry by entry, anything else
// is read as one JSON file. Both are read in pieces, never copied whole.
import { ChatStorageError } from '../errors.js';
import { type ImportSink, JsonFileReader } from './json-file-reader.js';
import { importZip, isZip } from './zip.js';

/** What `importConversations` accepts: a file's text, or its bytes. */
export type ImportInput = string | Blob | ArrayBuffer | ArrayBufferView;

const PIECE = 1 << 20;

function isBlob(input: unknown): input is Blob {
  return typeof Blob !== 'undefined' && input instanceof Blob;
}

export function isBinaryInput(input: unknown): input is Blob | ArrayBuffer | ArrayBufferView {
  return isBlob(input) || input instanceof ArrayBuffer || ArrayBuffer.isView(input);
}

/** The input's bytes, a piece at a time. */
export async function* piecesOf(input: Blob | ArrayBuffer | ArrayBufferView): AsyncGenerator<Uint8Array> {
  if (isBlob(input)) {
    const reader = input.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  const bytes =
    input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  for (let at = 0; at < bytes.length; at += PIECE) yield bytes.subarray(at, at + PIECE);
}

/**
 * Reads a zip's conversation files, or the bytes of one JSON file, and hands
 * what it reads to `sink`. Returns the names of the zip's files read (none
 * for a plain file).
 */
export async function importFile(
  input: Blob | ArrayBuffer | ArrayBufferView,
  sink: ImportSink,
  expected: string,
): Promise<string[]> {
  const pieces = piecesOf(input);
  const first = await pieces.next();
  if (first.done) {
    throw new ChatStorageError(
      'import-failed',
      'The file is empty. Choose an export file that holds conversations.',
    );
  }
  async function* all() {
    yield first.value;
    yield* pieces;
  }
  if (isZip(first.value)) return importZip(all(), sink);
  const reader = new JsonFileReader('The file', sink, expected);
  for await (const piece of all()) {
    reader.push(piece);
    await reader.drain();
  }
  await reader.end();
  return [];
}
