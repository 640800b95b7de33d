// Settings › Storage: how much is stored, whether the browser keeps it for
// sure, and "Clear all conversations" behind a confirmation.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestPersistentStorage } from '../data/boot.js';
import { useStorage } from '../data/storage-context.js';
import { DEFAULT_PROJECT, useUi } from '../data/ui-store.js';
import { getSyncRuntime } from '../sync/sync-service.js';
import { syncSettings } from '../sync/sync-settings.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { CLEARED_NOTICE_KEY } from './ClearedNotice.js';
import { clearAllLocalData, countLocalData, describeClearAll } from './clear-all.js';
import { describeUsage, readStorageUsage } from './storage-usage.js';
import './settings.css';

export function StorageSection() {
  const storage = useStorage();
  const usage = useQuery({ queryKey: ['storage-usage'], queryFn: () => readStorageUsage(), staleTime: 0 });
  const [confirming, setConfirming] = useState(false);
  const [persistAnswer, setPersistAnswer] = useState<string>();

  const askPersistence = async () => {
    const granted = await requestPersistentStorage();
    setPersistAnswer(
      granted
        ? undefined
        : 'The browser declined for now. Browsers grant it to sites you use often, bookmark or install; exporting now and then keeps a copy safe.',
    );
    await usage.refetch();
  };

  const persisted = usage.data?.persisted;
  return (
    <div>
      <p className="storage-facts">
        {usage.data ? describeUsage(usage.data) : 'Measuring…'}{' '}
        {storage.kind === 'localstorage' &&
          'This browser offers only localStorage to Chatkeep, which holds a few megabytes. '}
      </p>
      <p className="storage-facts">
        {persisted === true &&
          'Storage is persistent: the browser will not delete these conversations to free space.'}
        {persisted === false && (
          <>
            Storage is not persistent: under disk pressure the browser may delete this site’s data.{' '}
            <button type="button" className="link-button" onClick={() => void askPersistence()}>
              Ask to keep it
            </button>
          </>
        )}
        {persisted === undefined && usage.data && 'This browser does not say whether storage is persistent.'}
      </p>
      {persistAnswer && <p className="muted">{persistAnswer}</p>}
      <button type="button" className="danger-button" onClick={() => setConfirming(true)}>
        Clear all conversations
      </button>
      <ClearAllDialog open={confirming} onClose={() => setConfirming(false)} />
    </div>
  );
}

function ClearAllDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const storage = useStorage();
  const counts = useQuery({
    queryKey: ['local-data-counts'],
    queryFn: () => countLocalData(storage),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const sync = syncSettings.getState();
  const lines = counts.data
    ? describeClearAll(counts.data, {
        enabled: sync.enabled,
        signedIn: !!sync.account,
        everSynced: !!sync.syncedAccount,
      })
    : [];

  const clear = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await clearAllLocalData({ adapter: storage, settings: syncSettings, runtime: getSyncRuntime() });
      useUi.setState({ projectId: DEFAULT_PROJECT, knownProjects: [DEFAULT_PROJECT], activeByProject: {} });
      sessionStorage.setItem(CLEARED_NOTICE_KEY, JSON.stringify(counts.data));
      location.reload();
    } catch (e) {
      setBusy(false);
      setError(
        `${e instanceof Error ? e.message : String(e)} Nothing more will be deleted; reload the page to see what is left.`,
      );
    }
  };

  return (
    <Dialog
      title="Clear all conversations?"
      open={open}
      onClose={busy ? () => {} : onClose}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="danger-button"
            disabled={busy || !counts.data}
            onClick={() => void clear()}
          >
            {busy ? 'Clearing…' : 'Clear this browser'}
          </button>
        </>
      }
    >
      {counts.isPending ? <p className="muted">Counting…</p> : lines.map((line) => <p key={line}>{line}</p>)}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
