// Reads one JSON file that arrives in pieces (a zip entry, or a File read as
// a stream) and hands its content on in groups: an array of conversations is
// parsed a few megabytes at a time and each group is imported before more is
// read, so a large export never sits in memory whole, as text and as objects
// at once. A Chatkeep export (an object whose "conversations" array follows
// its header) is read the same way, each group handed on with the header.
// Files that are one conversation (an array of AI SDK messages) or any other
// object are handed on whole.
import { ChatStorageError } from '../errors.js';
import { CHATKEEP_EXPORT_FORMAT } from '../export/format.js';
import { JsonArraySplitter } from './json-array-splitter.js';
import { ObjectHeadScanner } from './json-object-head.js';
import { isRecord } from './plan.js';

/** Imports what was read from `file`: an array of conversations, or the whole file's value. */
export type ImportSink = (data: unknown, file: string) => Promise<void>;

/** About this much JSON text per group handed to the sink. */
const GROUP_BYTES = 8 << 20;

const decoder = new TextDecoder();

export class JsonFileReader {
  private mode: 'unknown' | 'stream' | 'object-head' | 'whole' = 'unknown';
  private splitter = new JsonArraySplitter();
  /** While an object's start is read: finds its "conversations" array. */
  private head: ObjectHeadScanner | undefined;
  /** A streamed object's fields before its list (a Chatkeep export's format and version): each group is handed on inside them. */
  private header: Record<string, unknown> | undefined;
  /** Parsed elements not yet handed on. */
  private group: unknown[] = [];
  private groupBytes = 0;
  /** Bytes of a file read whole. */
  private whole: Uint8Array[] = [];
  private elements = 0;
  /** Set once the last piece was pushed. */
  ended = false;

  /**
   * @param name how errors name the file ("conversations-001.json", "The file")
   * @param expected what errors add about the formats read, for a file that is not JSON at all
   */
  constructor(
    readonly name: string,
    private readonly sink: ImportSink,
    private readonly expected = '',
  ) {}

  /** Takes the next piece of the file; parses the elements it completes. Synchronous: no import happens here. */
  push(bytes: Uint8Array): void {
    if (this.mode === 'unknown') {
      const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b < 0x80);
      if (first === undefined) {
        this.whole.push(bytes.slice());
        return;
      }
      if (first === 0x7b /* { */) {
        this.mode = 'object-head';
        this.head = new ObjectHeadScanner(CONVERSATIONS);
        for (const held of this.whole) this.head.push(held);
      } else if (first !== 0x5b /* [ */) {
        this.mode = 'whole';
      } else {
        this.mode = 'stream';
        // Bytes held while the first character was unknown (whitespace, a byte order mark).
        for (const held of this.whole.splice(0)) this.split(held);
      }
    }
    if (this.mode === 'object-head') this.scanHead(bytes);
    else if (this.mode === 'whole') this.whole.push(bytes.slice());
    else this.split(bytes);
  }

  /** Reads an object's start; streams its "conversations" when it is a Chatkeep export's. */
  private scanHead(bytes: Uint8Array): void {
    const found = this.head!.push(bytes);
    if (!found) {
      this.whole.push(bytes.slice());
      if (this.head!.gaveUp) this.mode = 'whole';
      return;
    }
    const before = concat([...this.whole, bytes.subarray(0, found.at)]);
    const header = parseHeader(before.subarray(0, found.keyStart));
    if (!header || header.format !== CHATKEEP_EXPORT_FORMAT) {
      this.mode = 'whole';
      this.whole.push(bytes.slice());
      return;
    }
    this.whole = [];
    this.header = header;
    this.mode = 'stream';
    this.splitter = new JsonArraySplitter(true);
    this.split(bytes.subarray(found.at));
  }

  /** Imports the groups that are full. */
  async drain(): Promise<void> {
    if (this.mode === 'stream' && this.groupBytes >= GROUP_BYTES) await this.handOn();
  }

  /** Imports the rest; call after the last piece. */
  async end(): Promise<void> {
    if (this.mode === 'stream') {
      try {
        this.splitter.end();
        if (this.header) checkObjectEnd(this.splitter.rest);
      } catch (error) {
        throw this.failure((error as Error).message, error);
      }
      if (this.group.length > 0 || this.header) await this.handOn();
      return;
    }
    const bytes = concat(this.whole);
    this.whole = [];
    let data: unknown;
    try {
      data = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      throw new ChatStorageError(
        'import-failed',
        `${this.name} is not valid JSON (${(error as Error).message}). ${this.expected}`.trim(),
        { cause: error },
      );
    }
    await this.sink(data, this.name);
  }

  private split(bytes: Uint8Array): void {
    let pieces: Uint8Array[];
    try {
      pieces = this.splitter.push(bytes);
    } catch (error) {
      throw this.failure((error as Error).message, error);
    }
    for (const piece of pieces) {
      let value: unknown;
      try {
        value = JSON.parse(decoder.decode(piece));
      } catch (error) {
        throw this.failure(
          `entry ${this.elements + 1} of its list is not valid JSON (${(error as Error).message}); the file may be damaged. Entries before it were imported.`,
          error,
        );
      }
      this.elements += 1;
      this.group.push(value);
      this.groupBytes += piece.length;
    }
  }

  private async handOn(): Promise<void> {
    const group = this.group;
    this.group = [];
    this.groupBytes = 0;
    // A list of chat messages is one conversation: it cannot be cut into groups.
    if (this.elements > 0 && this.mode === 'stream' && isMessage(group[0]) && !this.splitter.done) {
      this.group = group;
      return;
    }
    await this.sink(this.header ? { ...this.header, [CONVERSATIONS]: group } : group, this.name);
  }

  private failure(what: string, cause: unknown): ChatStorageError {
    return new ChatStorageError('import-failed', `${this.name}: ${what}`, { cause });
  }
}

const CONVERSATIONS = 'conversations';

/** An object's fields before the list: `{"format":...,"version":2,` closed as an object; undefined when they are not JSON. */
function parseHeader(bytes: Uint8Array): Record<string, unknown> | undefined {
  const text = decoder
    .decode(bytes)
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .replace(/,$/, '');
  try {
    const value: unknown = JSON.parse(`${text}}`);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What follows a streamed object's list must close the object (more fields may come first). */
function checkObjectEnd(rest: Uint8Array[]): void {
  const text = decoder.decode(concat(rest));
  try {
    JSON.parse(`{"${CONVERSATIONS}":[]${text}`);
  } catch {
    throw new Error(
      text.trim() === ''
        ? 'the file ends before its closing "}": it may be cut short'
        : `unexpected text after the list of conversations: ${JSON.stringify(text.trim().slice(0, 40))}`,
    );
  }
}

/** An AI SDK message (an element with a role), as opposed to a conversation. */
function isMessage(value: unknown): boolean {
  return isRecord(value) && typeof value.role === 'string';
}

function concat(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
