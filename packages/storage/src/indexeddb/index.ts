export { IndexedDBAdapter, type IndexedDBAdapterOptions } from './adapter.js';
