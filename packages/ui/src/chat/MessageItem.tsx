import type { Message } from '@chatkeep/storage';
import { memo, useRef } from 'react';
import { MessageActions } from './MessageActions.js';
import { MessageEditor } from './MessageEditor.js';
import { MessageView } from './MessageView.js';
import { queuedMark } from './outbox.js';
import { QueuedNote } from './QueuedNote.js';

/**
 * In place of a message that is not here: usually still on its way, but a
 * message the server refused (too large, say) never arrives, and an answer
 * without its question must not pass for a whole conversation.
 */
function MissingParentNote({ answer }: { answer: boolean }) {
  return (
    <p className="awaiting-parent" role="note">
      {answer
        ? 'The question to this answer was not synced to this device.'
        : 'An earlier message has not synced yet.'}
      {answer && (
        <span className="awaiting-parent-why">
          {' '}
          It may still be on its way, or the sync server refused it (for example, as too large) and it stays
          on the device where it was asked.
        </span>
      )}
    </p>
  );
}

function SyncNote({ state }: { state: 'refused' | 'local-only' }) {
  return (
    <p className={`sync-note sync-note-${state}`} role="note">
      {state === 'local-only'
        ? 'Kept on this device only'
        : 'Not synced: the sync server refused this message (see Refused changes under Sync status)'}
    </p>
  );
}

interface MessageItemProps {
  message: Message;
  /** An answer is streaming in this conversation in this tab: Retry, Regenerate, Edit and Delete wait. */
  live: boolean;
  /** The message's parent has not reached this device yet (sync). */
  awaitingParent: boolean;
  /** The sync server refused this message, or the user keeps it on this device only. */
  syncNote?: 'refused' | 'local-only';
  editing: boolean;
  onRetry(message: Message): void;
  onEdit(message: Message | undefined): void;
  /** Saves `text` as a new version of `message` and asks for its answer. */
  onSendEdit(message: Message, text: string): Promise<void>;
  onDelete(message: Message): void;
}

export const MessageItem = memo(function MessageItem({
  message,
  live,
  awaitingParent,
  syncNote,
  editing,
  onRetry,
  onEdit,
  onSendEdit,
  onDelete,
}: MessageItemProps) {
  const article = useRef<HTMLElement>(null);
  const queued = message.role === 'user' ? queuedMark(message) : undefined;
  const notice = (
    <>
      {awaitingParent && <MissingParentNote answer={message.role === 'assistant'} />}
      {syncNote && <SyncNote state={syncNote} />}
    </>
  );
  const actions = (
    <MessageActions
      message={message}
      live={live}
      onEdit={() => onEdit(message)}
      onDelete={() => onDelete(message)}
    />
  );
  return (
    <MessageView
      message={message}
      articleRef={article}
      notice={notice}
      editor={
        editing ? (
          <MessageEditor
            initial={message.content}
            live={live}
            onSend={(text) => onSendEdit(message, text)}
            onCancel={() => {
              onEdit(undefined);
              article.current?.focus();
            }}
          />
        ) : undefined
      }
      actions={!editing && actions}
      waiting={queued && !editing ? <QueuedNote message={message} mark={queued} /> : undefined}
      onRetry={live ? undefined : () => onRetry(message)}
    />
  );
});
