// Snippets: a short excerpt of the matched text around its matches, as
// segments marked `highlight` so the UI renders them without HTML.
import { wordsWithOffsets } from './terms.js';

export interface SnippetSegment {
  text: string;
  highlight: boolean;
}

const ELLIPSIS = '…';

/**
 * The excerpt of `text` (at most about `maxLength` characters, whitespace
 * collapsed) that holds the most matched words, with every word whose
 * normalised term is in `terms` highlighted. Without matches: the start.
 */
export function buildSnippet(text: string, terms: Iterable<string>, maxLength = 160): SnippetSegment[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const wanted = new Set(terms);
  const hits = wordsWithOffsets(flat).filter((w) => wanted.has(w.term));

  // The window that covers the most hits, starting a little before its first one.
  let best = { from: 0, count: 0 };
  for (let i = 0, j = 0; i < hits.length; i++) {
    while (j < hits.length && hits[j]!.end - hits[i]!.start <= maxLength) j++;
    if (j - i > best.count) best = { from: i, count: j - i };
  }
  let start = 0;
  if (hits.length > 0 && flat.length > maxLength) {
    const first = hits[best.from]!;
    start = Math.max(0, Math.min(first.start - Math.floor(maxLength / 4), flat.length - maxLength));
    // Do not cut a word in half: move to the next word start, but never past the hit.
    if (start > 0 && flat[start - 1] !== ' ') {
      const space = flat.indexOf(' ', start);
      start = space >= 0 && space < first.start ? space + 1 : start;
    }
  }
  let end = Math.min(flat.length, start + maxLength);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start) end = space;
  }

  const segments: SnippetSegment[] = [];
  const push = (piece: string, highlight: boolean) => {
    if (piece === '') return;
    const last = segments[segments.length - 1];
    if (last && last.highlight === highlight) last.text += piece;
    else segments.push({ text: piece, highlight });
  };
  if (start > 0) push(ELLIPSIS, false);
  let at = start;
  for (const hit of hits) {
    if (hit.start < start || hit.end > end) continue;
    push(flat.slice(at, hit.start), false);
    push(flat.slice(hit.start, hit.end), true);
    at = hit.end;
  }
  push(flat.slice(at, end), false);
  if (end < flat.length) push(ELLIPSIS, false);
  return segments;
}
