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

/**
 * English function words that are neither indexed nor searched (the classic
 * Lucene list). Nearly every message holds them, so they cost the index about
 * a fifth of its memory while never narrowing a search: "the invoice" finds
 * what "invoice" finds.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such ' +
    'that the their then there these they this to was will with'
  ).split(' '),
);

/** A word as the index keeps it and a query looks it up: its term, or null for a stop word. */
export function indexTerm(word: string): string | null {
  const term = normalizeTerm(word);
  return term === null || STOP_WORDS.has(term) ? null : term;
}

/** The terms a search for `query` looks up; empty when it holds only stop words (or no words). */
export function queryTerms(query: string): string[] {
  return tokenize(query)
    .map(indexTerm)
    .filter((t): t is string => t !== null);
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
