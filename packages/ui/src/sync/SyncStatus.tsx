import {
  describeBackfill,
  describeSyncStatus,
  type QuarantinedRecord,
  type SyncEngineStatus,
} from '@chatkeep/storage';
import { useEffect, useState } from 'react';
import { useOnline } from '../data/use-online.js';
import { getSyncRuntime, useSyncSettings, useSyncStatus } from './sync-service.js';
import './sync.css';
import { useLazyDialog } from '../ui-kit/lazy-dialog.js';

const loadConflictsDialog = () => import('./ConflictsDialog.js').then((m) => m.ConflictsDialog);
const loadRefusalsDialog = () => import('./RefusalsDialog.js').then((m) => m.RefusalsDialog);

/** Always visible: what sync is doing, when it last finished, "Sync now" and the conflicts. */
export function SyncStatus() {
  const status = useSyncStatus();
  const online = useOnline();
  const savedLastSync = useSyncSettings((s) => s.lastSyncedAt);
  const expired = useSyncSettings((s) => s.expired);
  const serverUrl = useSyncSettings((s) => s.serverUrl);
  const [conflictsOpen, setConflictsOpen] = useState(false);
  const ConflictsDialog = useLazyDialog(loadConflictsDialog, conflictsOpen, () => setConflictsOpen(false));
  const [refusalsOpen, setRefusalsOpen] = useState(false);
  const RefusalsDialog = useLazyDialog(loadRefusalsDialog, refusalsOpen, () => setRefusalsOpen(false));
  const [syncing, setSyncing] = useState(false);

  const shown = withBrowserOffline(status, online);
  const lastSyncedAt = status.lastSyncedAt ?? (status.state === 'disabled' ? null : savedLastSync);
  const active = status.state !== 'disabled' && status.state !== 'signed-out';
  const live = liveLabel(shown);

  const syncNow = async () => {
    setSyncing(true);
    try {
      await getSyncRuntime()?.syncNow();
    } finally {
      setSyncing(false);
    }
  };

  return (
    <div className="sync-bar">
      <p className="sync-status" role="status" aria-label="Sync status" data-state={shown.state}>
        <span className="sync-dot" aria-hidden="true" />
        <span className="sync-text">
          {syncStatusLabel(shown, { online, expired, serverUrl })}
          {live && (
            <span className="sync-live" data-live={String(status.live === true)} title={live.title}>
              {' '}
              · {live.text}
            </span>
          )}
          {status.backfill && <span className="sync-backfill"> · {describeBackfill(status.backfill)}</span>}
          {lastSyncedAt !== null && (
            <span className="sync-last"> · Last synced {formatTime(lastSyncedAt)}</span>
          )}
          {status.rejected > 0 && (
            <span className="sync-last">
              {' '}
              · {status.rejected} change{status.rejected === 1 ? '' : 's'} refused by the server
            </span>
          )}
          {(status.quarantined ?? 0) > 0 && (
            <span className="sync-last">
              {' '}
              · {status.quarantined} record{status.quarantined === 1 ? '' : 's'} could not be decrypted
            </span>
          )}
        </span>
      </p>
      {(status.quarantined ?? 0) > 0 && <QuarantinedRecords count={status.quarantined ?? 0} />}
      {(active || status.conflicts > 0 || status.rejected > 0) && (
        <div className="sync-actions">
          {active && (
            <button
              type="button"
              className="chip"
              disabled={!online || syncing || status.state === 'syncing'}
              title={
                online ? 'Sync with the server now' : 'Offline: syncing resumes when the network is back'
              }
              onClick={() => void syncNow()}
            >
              Sync now
            </button>
          )}
          {status.conflicts > 0 && (
            <button type="button" className="chip sync-conflicts" onClick={() => setConflictsOpen(true)}>
              Conflicts ({status.conflicts})
            </button>
          )}
          {status.rejected > 0 && (
            <button type="button" className="chip sync-refused" onClick={() => setRefusalsOpen(true)}>
              Refused changes ({status.rejected})
            </button>
          )}
        </div>
      )}
      {active && !online && <p className="sync-hint">Offline: changes sync when the network is back.</p>}
      {ConflictsDialog && <ConflictsDialog open={conflictsOpen} onClose={() => setConflictsOpen(false)} />}
      {RefusalsDialog && <RefusalsDialog open={refusalsOpen} onClose={() => setRefusalsOpen(false)} />}
    </div>
  );
}

export function syncStatusLabel(
  status: SyncEngineStatus,
  context: { online: boolean; expired: boolean; serverUrl: string },
): string {
  if (status.state === 'disabled') return 'Sync off';
  if (status.state === 'signed-out') {
    return context.expired ? 'Sign-in expired: sign in again in Settings' : 'Signed out of sync';
  }
  // The engine cannot tell a dead network from a dead server; the browser can.
  if (status.state === 'offline' && context.online) {
    const waiting =
      status.pending > 0
        ? `${status.pending} change${status.pending === 1 ? '' : 's'} saved on this device`
        : 'retrying';
    return `Cannot reach the sync server at ${hostOf(context.serverUrl)}: ${waiting}. Check that it is running, or its address in Settings.`;
  }
  return describeSyncStatus(status);
}

/**
 * How other devices' changes reach this one, while sync runs and the server
 * is reachable: over the live event stream, or by checking now and then
 * (a server without events, or the stream reconnecting).
 */
export function liveLabel(status: SyncEngineStatus): { text: string; title: string } | null {
  if (status.state === 'disabled' || status.state === 'signed-out' || status.state === 'offline') return null;
  return status.live
    ? {
        text: 'Live',
        title:
          'Connected to the sync server’s live updates: changes from your other devices show as they happen.',
      }
    : {
        text: 'Checking for changes periodically',
        title:
          'No live connection to the sync server (it has none, or it is reconnecting): changes from your other devices show at the next check, or with "Sync now".',
      };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The browser knows it is offline before the engine tries: say so at once. */
/**
 * The same state in the chat header on narrow screens, where the sidebar
 * holding "Sync status" is slid away. Hidden from assistive technology:
 * the status element itself stays in the page.
 */
export function SyncBadge() {
  const status = useSyncStatus();
  const online = useOnline();
  const expired = useSyncSettings((s) => s.expired);
  const serverUrl = useSyncSettings((s) => s.serverUrl);
  const shown = withBrowserOffline(status, online);
  const text = syncStatusLabel(shown, { online, expired, serverUrl });
  return (
    <span className="sync-badge sync-status" data-state={shown.state} title={text} aria-hidden="true">
      <span className="sync-dot" />
      <span className="sync-badge-text">{text}</span>
    </span>
  );
}

function withBrowserOffline(status: SyncEngineStatus, online: boolean): SyncEngineStatus {
  if (online) return status;
  if (status.state === 'synced' || status.state === 'syncing') {
    return { ...status, state: 'offline', pending: 0, retryAt: null };
  }
  if (status.state === 'pending')
    return { ...status, state: 'offline', pending: status.count, retryAt: null };
  return status;
}

function formatTime(at: number): string {
  const date = new Date(at);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Records that arrived but did not decrypt or authenticate: altered on the
 * server, moved between records, or under another key. They were not applied.
 */
function QuarantinedRecords({ count }: { count: number }) {
  const [records, setRecords] = useState<QuarantinedRecord[]>([]);
  const [generation, setGeneration] = useState(0);
  // The reports are stored with the sync state: read them again whenever the count moves.
  // biome-ignore lint/correctness/useExhaustiveDependencies: count and generation only trigger a new read
  useEffect(() => {
    let current = true;
    void getSyncRuntime()
      ?.encryption()
      ?.listQuarantined()
      .then((list) => {
        if (current) setRecords(list);
      });
    return () => {
      current = false;
    };
  }, [count, generation]);
  const dismiss = async (record?: QuarantinedRecord) => {
    await getSyncRuntime()?.encryption()?.dismissQuarantined(record);
    setGeneration((g) => g + 1);
  };
  return (
    <details className="sync-quarantine">
      <summary>Unreadable records ({count})</summary>
      <p className="muted">Kept out of this device: nothing of them was applied.</p>
      <ul aria-label="Unreadable records">
        {records.map((record) => (
          <li key={`${record.kind}:${record.id}`}>
            {record.message}{' '}
            <button
              type="button"
              className="chip"
              aria-label={`Dismiss the report on ${record.kind} ${record.id}`}
              onClick={() => void dismiss(record)}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
      {records.length > 1 && (
        <button type="button" className="chip" onClick={() => void dismiss()}>
          Dismiss all
        </button>
      )}
    </details>
  );
}
