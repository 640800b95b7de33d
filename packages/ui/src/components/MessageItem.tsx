import type { Message, ToolCall } from '@chatkeep/storage';
import { memo, useRef } from 'react';
import { DEMO_MODEL } from '../assistants/demo.js';
import { queuedMark } from '../chat/outbox.js';
import { AttachmentList } from './AttachmentList.js';
import { Markdown } from './Markdown.js';
import { MessageActions } from './MessageActions.js';
import { MessageEditor } from './MessageEditor.js';
import { QueuedNote } from './QueuedNote.js';
import { ReasoningBlock } from './ReasoningBlock.js';

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return String(value);
  }
}

function ToolCallBlock({ call }: { call: ToolCall }) {
  return (
    <details className="tool-block">
      <summary>
        Tool call: <code>{call.name}</code>
      </summary>
      {/* Arguments still arriving (or cut off) are text, shown as they came. */}
      <pre>{typeof call.arguments === 'string' ? call.arguments : json(call.arguments)}</pre>
    </details>
  );
}

const isWebUrl = (url: unknown): url is string => typeof url === 'string' && /^https?:\/\//i.test(url);

/**
 * A tool's result: its text (code output, a page's text, an error) with the
 * page's address when it has one, else the JSON it returned; a result saved
 * without one shows the message's text.
 */
function ToolResultBody({ message }: { message: Message }) {
  const result = message.toolResult;
  if (result === undefined) return <pre>{message.content}</pre>;
  if (typeof result === 'string') return <pre>{result}</pre>;
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  const text = [r.output, r.text, r.error].find((v): v is string => typeof v === 'string');
  if (text === undefined) return <pre>{json(result)}</pre>;
  return (
    <>
      {isWebUrl(r.url) && (
        <p className="tool-source">
          <a href={r.url} target="_blank" rel="noreferrer noopener">
            {typeof r.title === 'string' && r.title ? r.title : r.url}
          </a>
        </p>
      )}
      <pre>{text}</pre>
    </>
  );
}

function StatusLine({
  message,
  canRetry,
  onRetry,
}: {
  message: Message;
  canRetry: boolean;
  onRetry(): void;
}) {
  const retry = canRetry ? (
    <button type="button" className="retry-button" onClick={onRetry}>
      Retry
    </button>
  ) : null;
  switch (message.status) {
    case 'pending':
      return (
        <p className="message-status status-pending">
          <span className="typing" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          Waiting for the answer…
        </p>
      );
    case 'streaming':
      return <p className="message-status status-streaming">Writing…</p>;
    case 'error':
      return (
        <div className="message-status status-error">
          <p>
            <strong>Error:</strong> {message.metadata?.error ?? 'the answer failed.'}
          </p>
          {retry}
        </div>
      );
    case 'interrupted':
      return (
        <div className="message-status status-interrupted">
          <p>
            {message.metadata?.stopped
              ? 'Stopped. The answer so far is kept.'
              : 'Interrupted: the answer stopped before it finished. The part received so far is kept.'}
          </p>
          {retry}
        </div>
      );
    default:
      return null;
  }
}

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
  if (message.role === 'tool') {
    return (
      <article
        ref={article}
        tabIndex={-1}
        className="message message-tool"
        aria-label={`Tool result: ${message.toolName ?? 'tool'}`}
        data-message-id={message.id}
      >
        {notice}
        <details className="tool-block">
          <summary>
            Tool result: <code>{message.toolName ?? 'tool'}</code>
          </summary>
          <ToolResultBody message={message} />
        </details>
        <AttachmentList attachments={message.metadata?.attachments} />
        {actions}
      </article>
    );
  }
  const isUser = message.role === 'user';
  const queued = isUser ? queuedMark(message) : undefined;
  const model = message.metadata?.model;
  const author = isUser
    ? 'You'
    : message.role === 'system'
      ? 'System'
      : model === DEMO_MODEL
        ? 'Demo assistant'
        : (model ?? 'Assistant');
  return (
    <article
      ref={article}
      // Focus comes back here when an edit is cancelled.
      tabIndex={-1}
      className={`message message-${message.role}`}
      aria-label={`${author} message`}
      data-status={message.status}
      data-queued={queued ? 'true' : undefined}
      data-message-id={message.id}
    >
      {notice}
      <header className="message-author">
        {author}
        {model === DEMO_MODEL && <span className="badge">demo</span>}
      </header>
      {!isUser && (
        <ReasoningBlock reasoning={message.metadata?.reasoning} recap={message.metadata?.reasoningRecap} />
      )}
      {editing ? (
        <MessageEditor
          initial={message.content}
          live={live}
          onSend={(text) => onSendEdit(message, text)}
          onCancel={() => {
            onEdit(undefined);
            article.current?.focus();
          }}
        />
      ) : isUser ? (
        <div className="message-text">{message.content}</div>
      ) : (
        message.content && <Markdown text={message.content} />
      )}
      {!editing && <AttachmentList attachments={message.metadata?.attachments} />}
      {message.toolCalls?.map((call) => (
        <ToolCallBlock key={call.id} call={call} />
      ))}
      {queued && !editing && <QueuedNote message={message} mark={queued} />}
      <StatusLine message={message} canRetry={!live} onRetry={() => onRetry(message)} />
      {!editing && actions}
    </article>
  );
});
