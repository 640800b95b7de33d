// The changes the sync server refused: what each is, why (in words, with the
// server's figures) and what the user can do about it: shorten the message,
// keep it on this device only, or send it again. Records kept on this device
// only are listed too, with a way to sync them again.
import { describeRefusal, type RefusedRecord } from '@chatkeep/storage';
import { useState } from 'react';
import { useUi } from '../data/ui-store.js';
import { useJump } from '../search/jump.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { useRefusedActions, useRefusedRecords } from './refused.js';

export function RefusalsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const refused = useRefusedRecords(open);
  const actions = useRefusedActions();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const setProject = useUi((s) => s.setProject);
  const currentProject = useUi((s) => s.projectId);
  const openConversation = useUi((s) => s.openConversation);
  const jumpTo = useJump((s) => s.jumpTo);

  const act = async (record: RefusedRecord, action: 'keep' | 'retry') => {
    setError(undefined);
    setBusy(`${record.kind}:${record.id}`);
    try {
      if (action === 'keep') await actions.keepLocalOnly(record.kind, record.id);
      else await actions.retry(record.kind, record.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  /** Opens the conversation at the record; a user message opens in its editor, to be shortened. */
  const show = (record: RefusedRecord, edit: boolean) => {
    if (!record.conversationId) return;
    if (record.projectId !== currentProject) setProject(record.projectId);
    if (record.kind === 'message') jumpTo(record.conversationId, record.id, { edit });
    openConversation(record.conversationId);
    onClose();
  };

  const all = refused.data ?? [];
  const waiting = all.filter((r) => r.state === 'refused');
  const kept = all.filter((r) => r.state === 'local-only');
  return (
    <Dialog title="Refused changes" open={open} onClose={onClose} wide>
      <p className="muted">
        The sync server refused these changes, so other devices do not have them. They are safe on this device
        and are not sent again by themselves: shorten a message and send it anew, keep it on this device only,
        or try again (for example after the server's limits were raised).
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {refused.isPending && open ? (
        <p className="muted">Loading…</p>
      ) : waiting.length === 0 ? (
        <p>No refused changes: everything this device changed has reached the server or waits to sync.</p>
      ) : (
        <ul className="conflict-list">
          {waiting.map((record) => {
            const key = `${record.kind}:${record.id}`;
            const canShorten = record.kind === 'message' && record.role === 'user';
            return (
              <li key={key} className="conflict refusal" aria-label={`Refused: ${whatItIs(record)}`}>
                <p>
                  <strong>{whatItIs(record)}</strong>
                </p>
                {record.excerpt !== undefined && <p className="conflict-version">“{record.excerpt}”</p>}
                <p className="refusal-reason">Why: {sentence(describeRefusal(record))}</p>
                <div className="conflict-actions">
                  {record.conversationId && (
                    <button
                      type="button"
                      className="ghost-button"
                      disabled={busy === key}
                      onClick={() => show(record, canShorten)}
                    >
                      {canShorten ? 'Shorten' : 'Open'}
                    </button>
                  )}
                  <button
                    type="button"
                    className="ghost-button"
                    disabled={busy === key}
                    onClick={() => void act(record, 'keep')}
                  >
                    Keep on this device only
                  </button>
                  <button
                    type="button"
                    className="ghost-button"
                    disabled={busy === key}
                    onClick={() => void act(record, 'retry')}
                  >
                    Retry
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {kept.length > 0 && (
        <section aria-label="Kept on this device only">
          <h3 className="refusal-heading">Kept on this device only</h3>
          <ul className="conflict-list">
            {kept.map((record) => {
              const key = `${record.kind}:${record.id}`;
              return (
                <li key={key} className="conflict refusal" aria-label={`Kept here: ${whatItIs(record)}`}>
                  <p>
                    <strong>{whatItIs(record)}</strong>
                  </p>
                  {record.excerpt !== undefined && <p className="conflict-version">“{record.excerpt}”</p>}
                  <div className="conflict-actions">
                    <button
                      type="button"
                      className="ghost-button"
                      disabled={busy === key}
                      onClick={() => void act(record, 'retry')}
                    >
                      Sync again
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </Dialog>
  );
}

const ROLE = {
  user: 'Your message',
  assistant: 'An answer',
  system: 'A system message',
  tool: 'A tool result',
};

/** "Your message in “Trip plans”", "Conversation “Trip plans”". */
export function whatItIs(record: RefusedRecord): string {
  const title = `“${record.title || 'New chat'}”`;
  if (record.kind === 'conversation') return `Conversation ${title}`;
  if (!record.conversationId) return 'A message that is no longer here';
  return `${record.role ? ROLE[record.role] : 'A message'} in ${title}`;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
