import type { FallbackMergeReport } from '@chatkeep/storage';
import type { ReactNode } from 'react';
import { useStreams } from '../chat/chat-controller.js';
import type { MigrationNotice } from '../data/boot.js';
import { useOnline } from '../data/use-online.js';
import { ClearedNotice } from '../settings/ClearedNotice.js';
import { useSyncSettings } from '../sync/sync-service.js';

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

/** A notice (a status, named by `label`) or an error (an alert), with its Dismiss button. */
function DismissibleBanner({
  kind,
  label,
  onDismiss,
  children,
}: {
  kind: 'info' | 'error';
  label?: string;
  onDismiss(): void;
  children: ReactNode;
}) {
  const content = (
    <>
      {children}
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </>
  );
  return kind === 'error' ? (
    <div className="banner banner-error" role="alert">
      {content}
    </div>
  ) : (
    <div className="banner banner-info" role="status" aria-label={label}>
      {content}
    </div>
  );
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
        <DismissibleBanner kind="error" onDismiss={clearSaveError}>
          {saveError}
        </DismissibleBanner>
      )}
      <ClearedNotice />
      {migration?.status === 'migrated' && (
        <DismissibleBanner kind="info" label="Import notice" onDismiss={onDismissMigration}>
          Imported {migration.conversations}{' '}
          {migration.conversations === 1 ? 'conversation' : 'conversations'} ({migration.messages}{' '}
          {migration.messages === 1 ? 'message' : 'messages'}) from your earlier chat history into the project
          “{migration.projectId}”.
        </DismissibleBanner>
      )}
      {fallbackMerge?.status === 'merged' && (
        <DismissibleBanner kind="info" label="Merge notice" onDismiss={onDismissFallbackMerge}>
          {describeFallbackMerge(fallbackMerge)}
        </DismissibleBanner>
      )}
      {fallbackMerge?.status === 'failed' && (
        <DismissibleBanner kind="error" onDismiss={onDismissFallbackMerge}>
          {fallbackMerge.error}
        </DismissibleBanner>
      )}
      {migration?.status === 'failed' && (
        <DismissibleBanner kind="error" onDismiss={onDismissMigration}>
          Your earlier chat history could not be imported ({migration.error}). It is left untouched in this
          browser; reload to try again.
        </DismissibleBanner>
      )}
    </div>
  );
}
