// Settings › Shared links: the signed-in owner's links, newest first, each
// with its conversation's title when this browser created it, and Revoke.
// A revoked link answers 410 and its page says it was withdrawn.
import { createShareClient, formatBytes } from '@chatkeep/storage';
import type { ShareInfo } from '@chatkeep/storage/crypto';
import { useCallback, useEffect, useState } from 'react';
import { useSyncSettings } from '../sync/sync-service.js';
import { shareErrorMessage } from './share-errors.js';
import { shareLabels } from './share-labels.js';
import './share.css';

const when = (ms: number) => new Date(ms).toLocaleString();

export function SharedLinksSection() {
  const account = useSyncSettings((s) => s.account);
  const serverUrl = useSyncSettings((s) => s.serverUrl);
  const [shares, setShares] = useState<ShareInfo[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const token = account?.token;

  const client = useCallback(() => createShareClient({ serverUrl, requestTimeoutMs: 15_000 }), [serverUrl]);

  useEffect(() => {
    if (!token) return;
    let live = true;
    setShares(undefined);
    setError(undefined);
    client()
      .list(token)
      .then(
        (list) => live && setShares(list),
        (e: unknown) => live && setError(shareErrorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [client, token]);

  if (!token) {
    return (
      <p className="muted">
        Links you create with Share link are listed here, to copy or revoke, once you are signed in to sync.
      </p>
    );
  }

  const labels = shareLabels();
  const revoke = async (id: string) => {
    setBusy(id);
    setError(undefined);
    try {
      await client().revoke(token, id);
      setShares(await client().list(token));
    } catch (e) {
      setError(shareErrorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="shared-links">
      <p className="muted">
        Anyone with one of these links can read its conversation as it was when shared. Revoke a link to
        withdraw it: whoever opens it then is told it was withdrawn.
      </p>
      {!shares && !error && (
        <p className="muted" role="status">
          Loading your shared links…
        </p>
      )}
      {shares?.length === 0 && <p className="muted">You have not shared any conversation.</p>}
      {shares && shares.length > 0 && (
        <ul className="shared-links-list" aria-label="Your shared links">
          {shares.map((share) => {
            const label = labels[share.id];
            const name = label?.title ? `“${label.title}”` : `Link shared ${when(share.createdAt)}`;
            return (
              <li key={share.id}>
                <div>
                  <strong>{name}</strong>
                  <br />
                  <span className="muted">
                    Shared {when(share.createdAt)}, {formatBytes(share.size)}
                    {share.revokedAt !== null && ` · revoked ${when(share.revokedAt)}`}
                  </span>
                </div>
                {share.revokedAt === null ? (
                  <div className="shared-link-actions">
                    {label?.url && <CopyLink url={label.url} name={name} />}
                    <button
                      type="button"
                      className="ghost-button danger-text"
                      aria-label={`Revoke ${name}`}
                      disabled={busy === share.id}
                      onClick={() => void revoke(share.id)}
                    >
                      Revoke
                    </button>
                  </div>
                ) : (
                  <span className="shared-link-revoked">Revoked</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function CopyLink({ url, name }: { url: string; name: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="ghost-button"
      aria-label={`Copy ${name}`}
      onClick={() =>
        void navigator.clipboard.writeText(url).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : 'Copy link'}
    </button>
  );
}
