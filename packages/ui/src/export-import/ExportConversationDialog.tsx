// "Export" from a conversation's menu: that conversation, as JSON or Markdown.
import type { Conversation, ExportFormat } from '@chatkeep/storage';
import { useEffect, useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { downloadExport } from './download.js';
import { errorMessage } from './errors.js';
import { FormatChoice } from './FormatChoice.js';
import './data.css';

export function ExportConversationDialog({
  conversation,
  onClose,
}: {
  conversation: Conversation | undefined;
  onClose(): void;
}) {
  const storage = useStorage();
  const [format, setFormat] = useState<ExportFormat>('json');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const title = conversation?.title || 'New chat';

  useEffect(() => {
    if (conversation) setError(undefined);
  }, [conversation]);

  const download = async () => {
    if (!conversation) return;
    setBusy(true);
    setError(undefined);
    try {
      await downloadExport(storage, {
        format,
        conversationIds: [conversation.id],
        title: conversation.title,
      });
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Export conversation"
      open={!!conversation}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary-button" disabled={busy} onClick={() => void download()}>
            {busy ? 'Preparing…' : 'Download'}
          </button>
        </>
      }
    >
      <p>
        “{title}” and its {conversation?.messageCount ?? 0} messages, as a file.
      </p>
      <FormatChoice name="conversation-export-format" value={format} onChange={setFormat} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
