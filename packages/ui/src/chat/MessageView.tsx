// How a message reads: author, reasoning, text (Markdown for answers), attachments,
// tool calls and results, and its status. The app's MessageItem adds the
// actions and the editor around it; the shared-conversation page shows it as is.
import type { Message, ToolCall } from '@chatkeep/storage';
import type { ReactNode, Ref } from 'react';
import { DEMO_MODEL } from '../assistants/demo.js';
import { AttachmentList } from './AttachmentList.js';
import { Markdown } from './Markdown.js';
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

function StatusLine({ message, onRetry }: { message: Message; onRetry?(): void }) {
  const retry = onRetry ? (
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

interface MessageViewProps {
  message: Message;
  /** Focus target (an edit that is cancelled comes back here). */
  articleRef?: Ref<HTMLElement>;
  /** Notes shown first (sync state). */
  notice?: ReactNode;
  /** Shown in place of the text (the editor of an edit in progress). */
  editor?: ReactNode;
  /** The message's actions, after its content. */
  actions?: ReactNode;
  /** A question waiting for the network: its note, shown before the status line. */
  waiting?: ReactNode;
  /** Offers Retry on a failed or interrupted answer. */
  onRetry?(): void;
}

export function MessageView({
  message,
  articleRef,
  notice,
  editor,
  actions,
  waiting,
  onRetry,
}: MessageViewProps) {
  if (message.role === 'tool') {
    return (
      <article
        ref={articleRef}
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
      ref={articleRef}
      tabIndex={-1}
      className={`message message-${message.role}`}
      aria-label={`${author} message`}
      data-status={message.status}
      data-queued={waiting ? 'true' : undefined}
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
      {editor ??
        (isUser ? (
          <div className="message-text">{message.content}</div>
        ) : (
          message.content && <Markdown text={message.content} />
        ))}
      {!editor && <AttachmentList attachments={message.metadata?.attachments} />}
      {message.toolCalls?.map((call) => (
        <ToolCallBlock key={call.id} call={call} />
      ))}
      {waiting}
      <StatusLine message={message} onRetry={onRetry} />
      {actions}
    </article>
  );
}
