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
  /** Entries being read, oldest first; a zip stores one entry after the other, so rarely more than one. */
  const open: JsonFileReader[] = [];
  let failure: unknown;

  unzip.onfile = (file) => {
    if (!isConversationFile(file.name)) return; // never unpacked
    const reader = new JsonFileReader(file.name, sink);
    files.push(file.name);
    open.push(reader);
    file.ondata = (error, data, final) => {
      if (failure !== undefined) return;
      try {
        if (error) throw damaged(`${file.name} cannot be unpacked (${error.message})`, error);
        reader.push(data);
        if (final) reader.ended = true;
      } catch (e) {
        failure = e;
      }
    };
    file.start();
  };

  /** Imports what the pieces pushed so far completed, before more is read. */
  const settle = async () => {
    if (failure !== undefined) throw failure;
    while (open.length > 0) {
      const reader = open[0]!;
      await reader.drain();
      if (!reader.ended) return;
      await reader.end();
      open.shift();
    }
  };

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      throw damaged(`the zip cannot be read (${(error as Error).message})`, error);
    }
  };
  for await (const chunk of chunks) {
    push(chunk, false);
    await settle();
  }
  push(new Uint8Array(0), true);
  await settle();
  if (open.length > 0) {
    throw damaged(`the zip ends in the middle of ${open[0]!.name}: it may be cut short`, undefined);
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
