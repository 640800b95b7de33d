// Reads a push body `{clientId, changes: [...]}` with the JSON scanner: the
// envelope fields of each change as values, its `data` as the exact text
// sent (with how deeply it nests and the few top-level fields the server
// checks). A malformed document is a 400; a malformed change is described
// so that it alone is rejected.
import { HttpError } from '../errors.js';
import { MAX_CHANGES_PER_PUSH } from '../protocol.js';
import { JsonScanner, JsonSyntaxError } from './json-scan.js';

/** A field of the change envelope: its value when it had the expected JSON type. */
type Field<T> = { value: T } | { wrongType: true } | undefined;

/** `data` as sent: its text, nesting depth and the top-level fields the server compares. */
export interface RawData {
  text: string;
  depth: number;
  /** data.id, data.projectId, data.conversationId: a string, or `false` when present with another type. */
  id?: string | false;
  projectId?: string | false;
  conversationId?: string | false;
}

export interface RawChange {
  /** Not a JSON object at all. */
  notAnObject?: true;
  kind?: Field<string>;
  id?: Field<string>;
  projectId?: Field<string>;
  conversationId?: Field<string>;
  hlc?: Field<string>;
  deleted?: Field<boolean>;
  data?: Field<RawData | null>;
  /** A key given twice: the change is ambiguous, so it is rejected. */
  duplicateKey?: string;
}

export interface RawPush {
  clientId: unknown;
  changes: RawChange[];
}

const STRING_FIELDS = new Set(['kind', 'id', 'projectId', 'conversationId', 'hlc']);
const DATA_FIELDS = new Set(['id', 'projectId', 'conversationId']);

function readData(scan: JsonScanner): RawData {
  const start = scan.pos;
  const data: Omit<RawData, 'text'> = { depth: 1 };
  scan.readObject((key) => {
    if (DATA_FIELDS.has(key)) {
      const field = key as 'id' | 'projectId' | 'conversationId';
      if (scan.peek() === 'string') {
        data[field] = scan.readString();
        return;
      }
      data[field] = false;
    }
    data.depth = Math.max(data.depth, 1 + scan.skipValue());
  });
  return { ...data, text: scan.text.slice(start, scan.pos) };
}

function readChange(scan: JsonScanner): RawChange {
  if (scan.peek() !== 'object') {
    scan.skipValue();
    return { notAnObject: true };
  }
  const change: RawChange = {};
  const seen = new Set<string>();
  scan.readObject((key) => {
    if (seen.has(key)) change.duplicateKey ??= key;
    seen.add(key);
    const next = scan.peek();
    if (STRING_FIELDS.has(key)) {
      const field = key as 'kind' | 'id' | 'projectId' | 'conversationId' | 'hlc';
      if (next === 'string') change[field] = { value: scan.readString() };
      else {
        scan.skipValue();
        change[field] = { wrongType: true };
      }
    } else if (key === 'deleted') {
      if (next !== 'literal') scan.skipValue();
      const value = next === 'literal' ? scan.readLiteral() : null;
      change.deleted = typeof value === 'boolean' ? { value } : { wrongType: true };
    } else if (key === 'data') {
      if (next === 'object') change.data = { value: readData(scan) };
      else if (next === 'literal' && scan.readLiteral() === null) change.data = { value: null };
      else {
        if (next !== 'literal') scan.skipValue();
        change.data = { wrongType: true };
      }
    } else {
      scan.skipValue();
    }
  });
  return change;
}

/** Parses the push body; throws HttpError 400 (not JSON, wrong shape) or 413 (too many changes). */
export function readPushBody(text: string): RawPush {
  const scan = new JsonScanner(text);
  let clientId: unknown;
  let changes: RawChange[] | undefined;
  try {
    if (scan.peek() !== 'object') {
      // Valid JSON of the wrong shape is told apart from text that is not JSON.
      scan.skipValue();
      scan.expectEnd();
      throw notAnObject();
    }
    scan.readObject((key) => {
      if (key === 'clientId') {
        if (scan.peek() === 'string') clientId = scan.readString();
        else scan.skipValue();
      } else if (key === 'changes') {
        if (scan.peek() !== 'array') {
          throw new HttpError(
            400,
            'invalid-request',
            'Invalid request body: changes must be an array of changes.',
          );
        }
        const list: RawChange[] = [];
        scan.readArray((index) => {
          if (index >= MAX_CHANGES_PER_PUSH) {
            throw new HttpError(
              413,
              'payload-too-large',
              `A push may carry at most ${MAX_CHANGES_PER_PUSH} changes; send them in smaller batches.`,
            );
          }
          list.push(readChange(scan));
        });
        changes = list;
      } else {
        scan.skipValue();
      }
    });
    scan.expectEnd();
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new HttpError(
        400,
        'invalid-json',
        `The request body is not valid JSON (${error.message}); send a JSON object.`,
      );
    }
    throw error;
  }
  if (changes === undefined) {
    throw new HttpError(400, 'invalid-request', 'Invalid request body: changes must be an array of changes.');
  }
  return { clientId, changes };
}

function notAnObject(): HttpError {
  return new HttpError(
    400,
    'invalid-request',
    'Invalid request body: send a JSON object {clientId, changes}.',
  );
}
