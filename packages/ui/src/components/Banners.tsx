import type { FallbackMergeReport } from '@chatkeep/storage';
import type { MigrationNotice } from '../app/boot.js';
import { useStreams } from '../app/chat-controller.js';
import { useOnline } from '../app/use-online.js';
import { ClearedNotice } from '../settings/ClearedNotice.js';
import { useSyncSettings } from '../sync-ui/sync-service.js';

interface BannersProps {
  migration?: MigrationNotice;
  onDismissMigration(): void;
  fallbackMerge?: FallbackMergeReport;
  onDismissFallbackMerge(): void;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The notice after history saved in localStorage (while IndexedDB was unavailable) was merged back. */
export function describeFallbackMerge(report: Extract<FallbackMergeReport, { status: 'merged' }>): string {
  const what = [count(report.messages, 'message', 'messages')];
  if (report.deletions > 0) what.push(count(report.deletions, 'deletion', 'deletions'));
  let text = `Merged ${count(report.conversations, 'conversation', 'conversations')} (${what.join(', ')}), saved in this browser’s localStorage while its database was unavailable, into your history.`;
  if (report.conflicts > 0) {
    text += ` ${count(report.conflicts, 'version', 'versions')} that newer edits replaced ${report.conflicts === 1 ? 'is' : 'are'} kept under Conflicts.`;
  }
  return text;
}

export function Banners({
  migration,
  onDismissMigration,
  fallbackMerge,
  onDismissFallbackMerge,
}: BannersProps) {
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
      {fallbackMerge?.status === 'merged' && (
        <div className="banner banner-info" role="status" aria-label="Merge notice">
          {describeFallbackMerge(fallbackMerge)}
          <button type="button" className="link-button" onClick={onDismissFallbackMerge}>
            Dismiss
          </button>
        </div>
      )}
      {fallbackMerge?.status === 'failed' && (
        <div className="banner banner-error" role="alert">
          {fallbackMerge.error}
          <button type="button" className="link-button" onClick={onDismissFallbackMerge}>
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
