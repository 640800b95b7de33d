/** Where sync shows its state; sync is off until it is set up in Settings. */
export function SyncStatus() {
  return (
    <p className="sync-status" role="status" aria-label="Sync status">
      <span className="sync-dot" aria-hidden="true" />
      Sync off
    </p>
  );
}
