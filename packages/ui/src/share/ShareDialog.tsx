// "Share link" from a conversation's menu: the active branch (or every
// branch) is encrypted here under a fresh key and stored on the sync server;
// the link carries the key in its fragment.
import { type Conversation, createShareLink, type ShareBranches } from '@chatkeep/storage';
import { useEffect, useId, useRef, useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { useSyncSettings } from '../sync/sync-service.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { shareErrorMessage } from './share-errors.js';
import { rememberShare } from './share-labels.js';
import './share.css';

export function ShareDialog({
  conversation,
  onClose,
}: {
  conversation: Conversation | undefined;
  onClose(): void;
}) {
  const storage = useStorage();
  const account = useSyncSettings((s) => s.account);
  const serverUrl = useSyncSettings((s) => s.serverUrl);
  const [branches, setBranches] = useState<ShareBranches>('active');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [url, setUrl] = useState<string>();
  const [copied, setCopied] = useState(false);
  const linkId = useId();
  const linkBox = useRef<HTMLInputElement>(null);
  const title = conversation?.title || 'New chat';

  useEffect(() => {
    if (!conversation) return;
    setBranches('active');
    setError(undefined);
    setUrl(undefined);
    setCopied(false);
  }, [conversation]);

  useEffect(() => {
    if (url) linkBox.current?.select();
  }, [url]);

  const create = async () => {
    if (!conversation || !account) return;
    setBusy(true);
    setError(undefined);
    try {
      const link = await createShareLink(storage, {
        conversationId: conversation.id,
        branches,
        serverUrl,
        token: account.token,
      });
      rememberShare(link.id, { title, conversationId: conversation.id, url: link.url });
      setUrl(link.url);
    } catch (e) {
      setError(shareErrorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission: the link is selected in its box to copy by hand.
      linkBox.current?.select();
      setError('The browser did not allow copying: the link is selected, copy it with Ctrl+C or ⌘C.');
    }
  };

  const footer = (
    <>
      <button type="button" className="ghost-button" onClick={onClose}>
        {url || !account ? 'Done' : 'Cancel'}
      </button>
      {account && !url && (
        <button type="button" className="primary-button" disabled={busy} onClick={() => void create()}>
          {busy ? 'Encrypting…' : 'Create link'}
        </button>
      )}
    </>
  );

  return (
    <Dialog title="Share link" open={!!conversation} onClose={onClose} footer={footer}>
      {!account ? (
        <p role="alert">
          Share links are kept on your sync server, so sharing needs a sync account. Sign in under Settings ›
          Sync, then choose Share link again.
        </p>
      ) : url ? (
        <div className="share-created">
          <label className="field" htmlFor={linkId}>
            <span>Link to “{title}”</span>
          </label>
          <div className="share-link-row">
            <input id={linkId} ref={linkBox} readOnly value={url} onFocus={(e) => e.target.select()} />
            <button type="button" className="primary-button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy link'}
            </button>
          </div>
          <p className="muted">
            Anyone with this link can read the conversation, without an account. Withdraw it at any time in
            Settings › Shared links.
          </p>
        </div>
      ) : (
        <>
          <p>
            Anyone with the link will be able to read “{title}” without an account. It is encrypted in this
            browser before it goes to <code>{serverUrl}</code>; the key is only in the link, so the server
            cannot read it.
          </p>
          <fieldset className="share-branches">
            <legend>What to share</legend>
            <label className="radio">
              <input
                type="radio"
                name="share-branches"
                checked={branches === 'active'}
                onChange={() => setBranches('active')}
              />
              <span>The messages you see (the active branch)</span>
            </label>
            <label className="radio">
              <input
                type="radio"
                name="share-branches"
                checked={branches === 'all'}
                onChange={() => setBranches('all')}
              />
              <span>Every version of every message (all branches)</span>
            </label>
          </fieldset>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
