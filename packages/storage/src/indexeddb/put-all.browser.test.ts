import { describePutAll } from './test-support/put-all-cases.js';

describePutAll('Chromium');
