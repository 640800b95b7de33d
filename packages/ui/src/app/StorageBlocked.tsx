// Shown instead of the app while another Chatkeep tab (an older version)
// keeps the history's database open. The app never works around it by
// saving somewhere else: that would split the history in two.
import type { StorageBlockedError } from '@chatkeep/storage';
import { useEffect, useState } from 'react';

interface StorageBlockedProps {
  error: StorageBlockedError;
  /** Opens storage again; the app replaces this screen once it opens. */
  onRetry(): void;
  /** True while that attempt runs. */
  retrying: boolean;
}

export function StorageBlocked({ error, onRetry, retrying }: StorageBlockedProps) {
  const [tries, setTries] = useState(0);

  // The other tab letting go is the moment to open: no need to wait for a click.
  useEffect(() => {
    let live = true;
    void error.unblocked.then(() => live && onRetry());
    return () => {
      live = false;
    };
  }, [error, onRetry]);

  return (
    <div className="fatal storage-blocked" role="alert" aria-labelledby="storage-blocked-title">
      <h1 id="storage-blocked-title">Close or reload the other Chatkeep tabs</h1>
      <p>{error.message}</p>
      <p>
        This tab opens your history by itself as soon as they do. Nothing is saved anywhere else in the
        meantime, so your history stays in one place.
      </p>
      <button
        type="button"
        className="primary-button"
        disabled={retrying}
        onClick={() => {
          setTries((n) => n + 1);
          onRetry();
        }}
      >
        Retry
      </button>
      <p className="muted" role="status">
        {retrying
          ? 'Trying to open your history…'
          : tries > 0
            ? 'Another Chatkeep tab still holds it open.'
            : ''}
      </p>
    </div>
  );
}
