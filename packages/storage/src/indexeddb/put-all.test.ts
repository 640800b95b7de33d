import 'fake-indexeddb/auto';
import { describePutAll } from './test-support/put-all-cases.js';

describePutAll('fake-indexeddb');
