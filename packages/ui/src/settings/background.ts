// What the settings keep running in the background once storage is open:
// the sync engine, auto-archive, and reloading after "Clear all" in another tab.
import type { ChatStorageAdapter } from '@chatkeep/storage';
import { startSync } from '../sync/sync-service.js';
import { scheduleAutoArchive } from './auto-archive.js';
import { reloadWhenClearedElsewhere } from './clear-all.js';
import { useRetention } from './retention-settings.js';

let started = false;

export function startSettingsServices(adapter: ChatStorageAdapter): void {
  if (started) return;
  started = true;
  void startSync(adapter).catch((error: unknown) => console.warn('Sync did not start:', error));
  reloadWhenClearedElsewhere();
  scheduleAutoArchive({
    adapter,
    getDays: () => useRetention.getState().autoArchiveDays,
    onDaysChange: (listener) =>
      useRetention.subscribe((state, previous) => {
        if (state.autoArchiveDays !== previous.autoArchiveDays) listener();
      }),
    onError: (error) => console.warn('Auto-archive did not finish:', error),
  });
}
