// How text becomes search terms. The index and the snippet highlighter use
// the same two functions, so a highlighted word is exactly a matched term.

const WORD = /[\p{L}\p{N}\p{M}_]+/gu;

/** Words of a text, as written. */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** A word as it is indexed: lower case, accents removed ("Café" -> "cafe"). */
export function normalizeTerm(word: string): string | null {
  const term = word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return term === '' ? null : term;
}

export interface WordAt {
  term: string;
  start: number;
  end: number;
}

/** Each word of a text with its normalised term and its position. */
export function wordsWithOffsets(text: string): WordAt[] {
  const words: WordAt[] = [];
  for (const match of text.matchAll(WORD)) {
    const term = normalizeTerm(match[0]);
    if (term !== null) words.push({ term, start: match.index, end: match.index + match[0].length });
  }
  return words;
}
