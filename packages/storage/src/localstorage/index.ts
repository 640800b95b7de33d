export { LocalStorageAdapter, type LocalStorageAdapterOptions } from './adapter.js';
