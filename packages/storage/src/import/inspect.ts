// What an import file holds before it is imported, for the app to ask the
// right question: a Chatkeep export of several projects restores each
// conversation into its own project, unless the user puts everything into
// one. Other formats carry no projects.
import { CHATKEEP_EXPORT_FORMAT } from '../export/format.js';
import { type ImportInput, isBinaryInput, piecesOf } from './file-input.js';
import { JsonFileReader } from './json-file-reader.js';
import { isRecord } from './plan.js';
import { isZip } from './zip.js';

/**
 * The projects of the conversations in a Chatkeep export, in the order they
 * first appear; empty for any other file (zips and other apps' exports), and
 * for a file that cannot be read (the import itself then says what is wrong).
 */
export async function projectsInImport(input: ImportInput): Promise<string[]> {
  const projects = new Set<string>();
  const collect = (data: unknown) => {
    if (!isRecord(data) || data.format !== CHATKEEP_EXPORT_FORMAT || !Array.isArray(data.conversations))
      return;
    for (const c of data.conversations) {
      if (isRecord(c) && typeof c.projectId === 'string' && c.projectId) projects.add(c.projectId);
    }
  };
  if (isBinaryInput(input)) {
    const blob = input instanceof Blob ? input : new Blob([input as ArrayBuffer]);
    const head = new Uint8Array(await blob.slice(0, 256).arrayBuffer());
    // Only a Chatkeep export (a JSON object) has projects: a zip or another app's list is not read further.
    if (isZip(head) || !startsAsObject(new TextDecoder().decode(head))) return [];
    // Read as the import reads it, a group of conversations at a time: never the whole file as text.
    const reader = new JsonFileReader('The file', async (data) => collect(data));
    try {
      for await (const piece of piecesOf(blob)) {
        reader.push(piece);
        await reader.drain();
      }
      await reader.end();
    } catch {
      return [];
    }
    return [...projects];
  }
  if (!startsAsObject(input)) return [];
  try {
    collect(JSON.parse(input.replace(/^\uFEFF/, '')));
  } catch {
    return [];
  }
  return [...projects];
}

/** Whether the JSON text starts with `{` (after whitespace and a byte order mark). */
function startsAsObject(text: string): boolean {
  return /^[\s\uFEFF]*\{/.test(text);
}
