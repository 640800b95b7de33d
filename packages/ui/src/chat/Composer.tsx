import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { viewMemory } from './view-memory.js';

interface ComposerProps {
  /** Where the draft is kept: the conversation id, or `new:<project>`. */
  draftKey: string;
  streaming: boolean;
  assistantLabel: string;
  isDemo: boolean;
  /** What happens to a message sent now (offline with a remote model: it waits). */
  offlineNote?: string;
  /** Shown when the model is sent only the end of a long conversation. */
  contextNote?: string;
  onSend(text: string): Promise<void>;
  onStop(): void;
}

export interface ComposerHandle {
  focus(): void;
}

export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer(
  { draftKey, streaming, assistantLabel, isDemo, offlineNote, contextNote, onSend, onStop },
  handle,
) {
  const [text, setText] = useState(() => viewMemory().getDraft(draftKey));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const ref = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(handle, () => ({ focus: () => ref.current?.focus() }), []);

  // Each conversation keeps its own unsent draft.
  useEffect(() => {
    setText(viewMemory().getDraft(draftKey));
    setError(undefined);
  }, [draftKey]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the box grows with the text it holds
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const change = (value: string) => {
    setText(value);
    viewMemory().setDraft(draftKey, value);
  };

  const canSend = text.trim().length > 0 && !streaming && !sending;

  const send = async () => {
    if (!canSend) return;
    const value = text;
    setSending(true);
    setError(undefined);
    try {
      await onSend(value);
      // Cleared only once the message is saved (a failed save keeps what was typed),
      // and only if nothing new was typed meanwhile.
      if (viewMemory().getDraft(draftKey) === value) viewMemory().setDraft(draftKey, '');
      setText((current) => (current === value ? '' : current));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
      ref.current?.focus();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {error && (
        <p className="composer-error" role="alert">
          Not sent: {error}
        </p>
      )}
      <div className="composer-box">
        <textarea
          ref={ref}
          id="message-box"
          aria-label="Message"
          placeholder={`Message ${assistantLabel}…`}
          rows={1}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        {streaming ? (
          <button type="button" className="stop-button" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="send-button" disabled={!canSend}>
            Send
          </button>
        )}
      </div>
      <p className="composer-hint">
        {offlineNote ? (
          <strong>{offlineNote}</strong>
        ) : isDemo ? (
          <>
            <strong>Demo assistant</strong>: offline, scripted answers. Choose a model in Settings.
          </>
        ) : (
          <>Answers by {assistantLabel}.</>
        )}{' '}
        Enter sends, Shift+Enter adds a line.
      </p>
      {contextNote && (
        <p className="composer-context" role="note">
          {contextNote}. Change how many in Settings.
        </p>
      )}
    </form>
  );
});
