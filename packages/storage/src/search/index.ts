export type { SearchFilters } from './filters.js';
export { allowsTypo, type MatchKind, TYPO_MIN_LENGTH, TYPO_THRESHOLD } from './matching.js';
export {
  localStorageSearchStore,
  openIndexedDBSearchStore,
  openSearchIndexStore,
  type SearchIndexStore,
} from './persist.js';
export {
  createSearchIndex,
  type SearchHit,
  type SearchIndex,
  type SearchIndexOptions,
  type SearchOptions,
} from './search-index.js';
export type { SnippetSegment } from './snippet.js';
export { queryTerms, STOP_WORDS } from './terms.js';
