// How a query is matched and ranked. Results come in tiers, whatever their
// scores: documents holding every query word exactly, then those where some
// word is only the start of a longer one, and only when those two find little,
// documents where a word is misspelled. A typo is tolerated only in words of
// five letters or more without digits: "word42" must never find "word4" or
// "word24", and "cat" must never find "car".
import type MiniSearch from 'minisearch';
import type { SearchOptions as MiniSearchOptions, SearchResult } from 'minisearch';
import type { SearchDocument } from './documents.js';
import { queryTerms } from './terms.js';

/** How a hit matched: every word as written, some word as the start of a longer one, or with a typo. */
export type MatchKind = 'exact' | 'prefix' | 'typo';

const TIER: Record<MatchKind, number> = { exact: 0, prefix: 1, typo: 2 };

/** Typo tolerance is tried only when exact and prefix matching found fewer hits than this. */
export const TYPO_THRESHOLD = 5;

/** Shortest word where a typo is tolerated. */
export const TYPO_MIN_LENGTH = 5;

/** Whether a typo is tolerated in the query term `term` (already normalised). */
export function allowsTypo(term: string): boolean {
  return term.length >= TYPO_MIN_LENGTH && !/\p{N}/u.test(term);
}

export interface RankedResult extends SearchResult {
  kind: MatchKind;
}

/**
 * Every document matching all words of `query` that passes `filter`, best
 * first: by tier, then score, then newest.
 */
export function matchQuery(
  index: MiniSearch<SearchDocument>,
  query: string,
  opts: Pick<MiniSearchOptions, 'filter' | 'boostDocument'>,
): RankedResult[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const common: MiniSearchOptions = { ...opts, combineWith: 'AND' };
  // Results are fresh objects: tagged in place, since a common word can match tens of thousands.
  const ranked = index.search(query, { ...common, prefix: true }) as RankedResult[];
  for (const r of ranked) r.kind = terms.every((t) => r.terms.includes(t)) ? 'exact' : 'prefix';
  if (ranked.length < TYPO_THRESHOLD && terms.some(allowsTypo)) {
    const found = new Set(ranked.map((r) => r.id));
    for (const r of index.search(query, {
      ...common,
      prefix: true,
      // At most one edit in words of 5-9 letters, two from 10.
      fuzzy: (term) => (allowsTypo(term) ? 0.2 : false),
    })) {
      if (found.has(r.id)) continue;
      (r as RankedResult).kind = 'typo';
      ranked.push(r as RankedResult);
    }
  }
  return ranked.sort(
    (a, b) => TIER[a.kind] - TIER[b.kind] || b.score - a.score || (b.time as number) - (a.time as number),
  );
}
