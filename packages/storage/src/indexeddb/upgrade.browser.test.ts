// The upgrade from the previous release's database, in Chromium's real IndexedDB.
import { upgradeFromV2Rules } from './test-support/upgrade-rules.js';

upgradeFromV2Rules({ name: 'Chromium', factory: () => indexedDB });
