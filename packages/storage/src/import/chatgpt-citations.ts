// Citation marks in ChatGPT answers. Older exports write "【3†source】" with
// the sources in `metadata.citations` (by character range); newer ones write
// private-use-area marks ("\ue200cite\ue202turn0search3\ue201") listed in
// `metadata.content_references` with the Markdown to show instead (`alt`).
// Each mark becomes its link in Markdown, or is removed when it has none.
import { isRecord } from './plan.js';

type Json = Record<string, unknown>;

const OLD_MARK = /【[^【】]{0,80}†[^【】]{0,80}】/g;
/** A whole private-use mark (U+E200 ... U+E201), or a stray private-use character. */
const NEW_MARK = /\ue200[^\ue200\ue201]{0,200}\ue201|[\ue200-\ue2ff]/g;

function link(source: unknown): string {
  if (!isRecord(source)) return '';
  const url = typeof source.url === 'string' ? source.url : '';
  if (!/^https?:\/\//.test(url)) return '';
  const title = typeof source.title === 'string' && source.title.trim() ? source.title.trim() : url;
  return ` ([${title.replace(/[[\]]/g, '')}](${url}))`;
}

/** The text with every citation mark replaced by its link or removed, and how many marks there were. */
export function replaceCitations(text: string, metadata: Json): { text: string; marks: number } {
  if (!text.includes('】') && !/[\ue200-\ue2ff]/.test(text)) return { text, marks: 0 };
  let marks = 0;
  let out = text;

  // Old marks, by the character ranges in metadata.citations (from the end, so ranges stay right).
  const citations = Array.isArray(metadata.citations) ? metadata.citations.filter(isRecord) : [];
  const ranged = citations
    .filter((c) => Number.isInteger(c.start_ix) && Number.isInteger(c.end_ix))
    .sort((a, b) => (b.start_ix as number) - (a.start_ix as number));
  for (const c of ranged) {
    const [start, end] = [c.start_ix as number, c.end_ix as number];
    const mark = out.slice(start, end);
    if (!/^【[^【】]*】$/.test(mark)) continue;
    out = out.slice(0, start) + link(c.metadata) + out.slice(end);
    marks += 1;
  }

  // New marks, by the exact text each reference matched.
  const references = Array.isArray(metadata.content_references)
    ? metadata.content_references.filter(isRecord)
    : [];
  for (const ref of references) {
    const matched = typeof ref.matched_text === 'string' ? ref.matched_text : '';
    if (!matched || !/[\ue200-\ue2ff]|【/.test(matched) || !out.includes(matched)) continue;
    const items = Array.isArray(ref.items) ? ref.items : [];
    const replacement = typeof ref.alt === 'string' ? ref.alt : link(items[0]);
    out = out.replace(matched, () => replacement);
    marks += 1;
  }

  // Marks no metadata explains are removed.
  out = out.replace(OLD_MARK, () => {
    marks += 1;
    return '';
  });
  out = out.replace(NEW_MARK, () => {
    marks += 1;
    return '';
  });
  return { text: out, marks };
}
