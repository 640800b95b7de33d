import type { MigrationNotice } from '../app/boot.js';
import { useStreams } from '../app/chat-controller.js';
import { useOnline } from '../app/use-online.js';
import { ClearedNotice } from '../settings/ClearedNotice.js';
import { useSyncSettings } from '../sync-ui/sync-service.js';

interface BannersProps {
  migration?: MigrationNotice;
  onDismissMigration(): void;
}

export function Banners({ migration, onDismissMigration }: BannersProps) {
  const online = useOnline();
  const saveError = useStreams((s) => s.saveError);
  const clearSaveError = useStreams((s) => s.clearSaveError);
  const syncing = useSyncSettings((s) => s.enabled && !!s.account);
  return (
    <div className="banners">
      {!online && (
        <div className="banner banner-offline" role="alert">
          You are offline. Chatkeep works offline: your conversations are saved on this device and the demo
          assistant keeps answering.
          {syncing
            ? ' Changes will sync to your other devices when you are back online.'
            : ' Changes are kept here and sync later if you turn sync on.'}
        </div>
      )}
      {saveError && (
        <div className="banner banner-error" role="alert">
          {saveError}
          <button type="button" className="link-button" onClick={clearSaveError}>
            Dismiss
          </button>
        </div>
      )}
      <ClearedNotice />
      {migration?.status === 'migrated' && (
        <div className="banner banner-info" role="status" aria-label="Import notice">
          Imported {migration.conversations}{' '}
          {migration.conversations === 1 ? 'conversation' : 'conversations'} ({migration.messages}{' '}
          {migration.messages === 1 ? 'message' : 'messages'}) from your earlier chat history into the project
          “{migration.projectId}”.
          <button type="button" className="link-button" onClick={onDismissMigration}>
            Dismiss
          </button>
        </div>
      )}
      {migration?.status === 'failed' && (
        <div className="banner banner-error" role="alert">
          Your earlier chat history could not be imported ({migration.error}). It is left untouched in this
          browser; reload to try again.
          <button type="button" className="link-button" onClick={onDismissMigration}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
