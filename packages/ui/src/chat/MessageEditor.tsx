// Edit of a user message: the text becomes a text box. "Save and send"
// saves the edited text as a new version beside the original and asks for
// an answer to it; "Cancel" or Esc leaves everything as it was.
import { useEffect, useRef, useState } from 'react';

interface MessageEditorProps {
  initial: string;
  /** An answer is streaming here: sending waits until it ends. */
  live: boolean;
  onSend(text: string): Promise<void>;
  onCancel(): void;
}

export function MessageEditor({ initial, live, onSend, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const canSend = text.trim() !== '' && !live && !sending;
  const send = async () => {
    if (!canSend) return;
    setSending(true);
    try {
      await onSend(text);
    } catch (e) {
      setError(`The edited message could not be sent: ${e instanceof Error ? e.message : String(e)}`);
      setSending(false);
    }
  };

  return (
    <form
      className="message-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        ref={box}
        aria-label="Edited message"
        value={text}
        rows={Math.min(12, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            // Esc belongs to the editor here, not to shortcuts further up.
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      {error && (
        <p className="editor-error" role="alert">
          {error}
        </p>
      )}
      <div className="message-editor-buttons">
        <button type="button" className="ghost-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary-button" disabled={!canSend}>
          Save and send
        </button>
      </div>
    </form>
  );
}
