// Imports the conversations inside a zip: ChatGPT's and Claude.ai's data
// exports arrive as zips holding `conversations.json` (newer ChatGPT exports
// split it into `conversations-000.json`, `conversations-001.json`, ...)
// beside images, HTML and account files, which are passed over. The zip is
// read as a stream and one entry is unpacked at a time, in small pieces that
// are parsed and imported as they come, so memory stays a small multiple of
// one group of conversations whatever the size of the export.
import { Unzip, UnzipInflate } from 'fflate';
import { ChatStorageError } from '../errors.js';
import { type ImportSink, JsonFileReader } from './json-file-reader.js';

const CONVERSATION_FILE = /(^|\/)conversations(-\d+)?\.json$/i;

/** Whether the bytes start like a zip (a local file header, or the end record of an empty zip). */
export function isZip(head: Uint8Array): boolean {
  return (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
  );
}

export function isConversationFile(name: string): boolean {
  return CONVERSATION_FILE.test(name) && !name.startsWith('__MACOSX/');
}

/**
 * Reads the zip's conversation files in the order they are stored and hands
 * their content to `sink`. Returns the names of the files read.
 */
export async function importZip(chunks: AsyncIterable<Uint8Array>, sink: ImportSink): Promise<string[]> {
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  const files: string[] = [];
  /** Entries being read, oldest first, each with what went wrong reading it. */
  const open: { reader: JsonFileReader; failure?: unknown }[] = [];
  let failed = false;

  unzip.onfile = (file) => {
    if (!isConversationFile(file.name)) return; // never unpacked
    const entry: (typeof open)[number] = { reader: new JsonFileReader(file.name, sink) };
    files.push(file.name);
    open.push(entry);
    file.ondata = (error, data, final) => {
      if (failed) return;
      try {
        if (error) throw damaged(`${file.name} cannot be unpacked (${error.message})`, error);
        entry.reader.push(data);
        if (final) entry.reader.ended = true;
      } catch (e) {
        // Entries before this one are still imported (see settle).
        entry.failure = e;
        failed = true;
      }
    };
    file.start();
  };

  /** Imports what the pieces pushed so far completed, before more is read. */
  const settle = async () => {
    while (open.length > 0) {
      const { reader, failure } = open[0]!;
      if (failure !== undefined) throw failure;
      await reader.drain();
      if (!reader.ended) return;
      await reader.end();
      open.shift();
    }
  };

  /** Unpacks a piece, then imports what it completed; entries read before a broken part are kept. */
  const step = async (chunk: Uint8Array, final: boolean) => {
    let broken: unknown;
    try {
      unzip.push(chunk, final);
    } catch (error) {
      broken = error;
    }
    await settle();
    if (broken === undefined) return;
    const message = (broken as Error).message;
    throw final && open.length > 0
      ? damaged(`the zip ends in the middle of ${open[0]!.reader.name}: it may be cut short`, broken)
      : damaged(`the zip cannot be read (${message})`, broken);
  };
  for await (const chunk of chunks) await step(chunk, false);
  await step(new Uint8Array(0), true);
  if (open.length > 0) {
    throw damaged(`the zip ends in the middle of ${open[0]!.reader.name}: it may be cut short`, undefined);
  }
  if (files.length === 0) {
    throw new ChatStorageError(
      'import-failed',
      'This zip holds no conversations.json. Choose the zip from ChatGPT\'s or Claude.ai\'s "Export data", or a conversations.json file.',
    );
  }
  return files;
}

function damaged(what: string, cause: unknown): ChatStorageError {
  return new ChatStorageError(
    'import-failed',
    `${what}. Download the export again and import the new zip; conversations already imported will not be duplicated.`,
    { cause },
  );
}
