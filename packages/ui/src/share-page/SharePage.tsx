// The read-only page of a share link (`/s/<id>#<key>`): no account, no app
// state; it decrypts the conversation in this browser and shows it with the
// app's own message rendering, and offers to import it.
import { branchTo, newestLeafUnder, versionsOf } from '@chatkeep/storage';
import { useEffect, useMemo, useState } from 'react';
import { MessageView } from '../chat/MessageView.js';
import { VersionStepper } from '../chat/VersionStepper.js';
import { loadShare, type ShareState } from './load-share.js';

export function SharePage({ href }: { href: string }) {
  const [state, setState] = useState<ShareState>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    void loadShare(href).then((next) => {
      if (live) setState(next);
    });
    return () => {
      live = false;
    };
  }, [href]);

  useEffect(() => {
    if (state.kind === 'ready')
      document.title = `${state.shared.conversation.title || 'Shared conversation'} · Chatkeep`;
  }, [state]);

  return (
    <div className="share-page">
      <header className="share-top">
        <a className="brand" href="/">
          <span className="brand-mark" aria-hidden="true" />
          Chatkeep
        </a>
        <span className="muted">Shared conversation · read-only</span>
      </header>
      <main className="share-main">
        {state.kind === 'loading' && (
          <p className="muted" role="status">
            Opening the shared conversation…
          </p>
        )}
        {state.kind === 'problem' && (
          <section className="share-problem" aria-labelledby="share-problem-title">
            <h1 id="share-problem-title">{state.title}</h1>
            <p role="alert">{state.message}</p>
            <p>
              <a href="/">Open Chatkeep</a>
            </p>
          </section>
        )}
        {state.kind === 'ready' && <SharedConversationView state={state} />}
      </main>
    </div>
  );
}

function SharedConversationView({ state }: { state: Extract<ShareState, { kind: 'ready' }> }) {
  const { conversation, activeBranch, messages } = state.shared;
  const hidden = messages.length - activeBranch.length;
  // The branch the owner saw first; with all branches shared, the reader may step through
  // versions as in the app: another version shows the newest branch under it.
  const [leafId, setLeafId] = useState(activeBranch[activeBranch.length - 1]?.id);
  const shown = useMemo(
    () => (leafId === undefined ? activeBranch : branchTo(messages, leafId).messages),
    [messages, activeBranch, leafId],
  );
  const [importing, setImporting] = useState<'idle' | 'busy'>('idle');
  const [error, setError] = useState<string>();

  const importIt = async () => {
    setImporting('busy');
    setError(undefined);
    try {
      // Storage and the import load only now: reading a share needs neither.
      const { importIntoChatkeep } = await import('./import-share.js');
      const { conversationId } = await importIntoChatkeep(state.snapshot);
      window.location.assign(`/c/${encodeURIComponent(conversationId)}`);
    } catch (e) {
      setImporting('idle');
      setError(`The conversation could not be imported: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <article className="share-conversation" aria-labelledby="share-title">
      <header className="share-heading">
        <h1 id="share-title">{conversation.title || 'Untitled conversation'}</h1>
        <p className="muted">
          {shown.length} {shown.length === 1 ? 'message' : 'messages'}, last changed{' '}
          {new Date(conversation.updatedAt).toLocaleString()}.
          {hidden > 0 &&
            ` It also holds other versions of messages (${hidden} more in all): step through them with “‹ ›”; they are kept when you import it.`}
        </p>
        <div className="share-actions">
          <button
            type="button"
            className="primary-button"
            disabled={importing === 'busy'}
            onClick={() => void importIt()}
          >
            Import into Chatkeep
          </button>
          <span className="muted">Saves a copy in this browser, then opens it in the app.</span>
        </div>
        {importing === 'busy' && (
          <p className="muted" role="status">
            Importing…
          </p>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </header>
      <div className="message-list">
        {shown.map((message) => {
          const versions = hidden > 0 ? versionsOf(messages, message.id) : undefined;
          const stepper =
            versions && versions.versions.length > 1 ? (
              <div className="message-actions">
                <VersionStepper
                  index={versions.index}
                  count={versions.versions.length}
                  onShow={(to) => {
                    const version = versions.versions[to];
                    if (version) setLeafId(newestLeafUnder(messages, version.id)?.id ?? version.id);
                  }}
                />
              </div>
            ) : undefined;
          return (
            <div className="message-row" key={message.id}>
              <MessageView message={message} actions={stepper} />
            </div>
          );
        })}
      </div>
    </article>
  );
}
