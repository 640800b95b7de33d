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
