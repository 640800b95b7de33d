// The actions of one message (DESIGN.md "UI contract"): copy, edit,
// regenerate, fork, delete, and the "‹ 2/3 ›" switch between versions.
// Shown on hover and focus, always on touch screens (styles.css).
import { type Message, messageSection, reportedTokens } from '@chatkeep/storage';
import { useState } from 'react';
import { useVersions } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { AnswerUsage } from '../usage/AnswerUsage.js';
import { regenerateAnswer } from './chat-controller.js';
import { describeError } from './run-turn.js';
import { VersionStepper } from './VersionStepper.js';

interface MessageActionsProps {
  message: Message;
  /** An answer is streaming in this conversation here: nothing that starts or removes one meanwhile. */
  live: boolean;
  onEdit(): void;
  onDelete(): void;
}

export function MessageActions({ message, live, onEdit, onDelete }: MessageActionsProps) {
  const storage = useStorage();
  const openConversation = useUi((s) => s.openConversation);
  const [notice, setNotice] = useState<{ text: string; failed?: boolean } | undefined>();

  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      setNotice({ text: `${what} failed: ${describeError(error)}`, failed: true });
    }
  };

  const copy = () =>
    attempt('Copying', async () => {
      await navigator.clipboard.writeText(messageSection(message).trimEnd());
      setNotice({ text: 'Copied as Markdown.' });
    });

  const fork = () =>
    attempt('Forking', async () => {
      const forked = await storage.forkConversation(message.conversationId, message.id);
      openConversation(forked.id);
    });

  return (
    <div className="message-actions">
      <VersionSwitch message={message} onError={(e) => setNotice({ text: e, failed: true })} />
      <div className="message-action-buttons">
        <button type="button" className="ghost-button" onClick={() => void copy()}>
          Copy message
        </button>
        {message.role === 'user' && (
          <button type="button" className="ghost-button" disabled={live} onClick={onEdit}>
            Edit message
          </button>
        )}
        {message.role === 'assistant' && (
          <button
            type="button"
            className="ghost-button"
            disabled={live}
            onClick={() => regenerateAnswer(storage, message)}
          >
            Regenerate
          </button>
        )}
        <button type="button" className="ghost-button" onClick={() => void fork()}>
          Fork conversation
        </button>
        <button type="button" className="ghost-button" disabled={live} onClick={onDelete}>
          Delete message
        </button>
        {message.role === 'assistant' && <AnswerUsage tokens={reportedTokens(message)} />}
      </div>
      {notice && (
        <span className={notice.failed ? 'action-notice failed' : 'action-notice'} role="status">
          {notice.text}
        </span>
      )}
    </div>
  );
}

/** "‹ 2/3 ›": shown where the message has siblings; choosing one shows its branch. */
function VersionSwitch({ message, onError }: { message: Message; onError(text: string): void }) {
  const storage = useStorage();
  const versions = useVersions(message);
  if (!versions || versions.ids.length < 2) return null;
  const { ids, index } = versions;
  const show = async (to: number) => {
    try {
      await storage.selectVersion(message.conversationId, ids[to]!);
    } catch (error) {
      onError(`Switching versions failed: ${describeError(error)}`);
    }
  };
  return <VersionStepper index={index} count={ids.length} onShow={(to) => void show(to)} />;
}
