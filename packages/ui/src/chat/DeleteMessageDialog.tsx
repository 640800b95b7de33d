// "Delete message": the message goes with every message under it (its
// subtree, other versions included), after a confirmation that says how many.
import { type Message, subtreeIds } from '@chatkeep/storage';
import { useState } from 'react';
import { useConversationTree } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { deleteMessageWarning } from './delete-warning.js';
import { describeError } from './run-turn.js';

export function DeleteMessageDialog({ message, onClose }: { message: Message | undefined; onClose(): void }) {
  const storage = useStorage();
  const tree = useConversationTree(message?.conversationId ?? '', !!message);
  const [error, setError] = useState<string | undefined>();
  const count = message && tree.data ? subtreeIds(tree.data, message.id).size : undefined;

  const close = () => {
    setError(undefined);
    onClose();
  };
  const confirm = async () => {
    if (!message) return;
    try {
      await storage.deleteMessage(message.id);
      close();
    } catch (e) {
      setError(`The message could not be deleted: ${describeError(e)}`);
    }
  };

  return (
    <Dialog
      title="Delete message?"
      open={!!message}
      onClose={close}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="danger-button"
            disabled={count === undefined}
            onClick={() => void confirm()}
          >
            Delete
          </button>
        </>
      }
    >
      <p>{count === undefined ? 'Counting the messages that would go…' : deleteMessageWarning(count)}</p>
      {(error || tree.error) && (
        <p role="alert">{error ?? `The conversation could not be read: ${describeError(tree.error)}`}</p>
      )}
    </Dialog>
  );
}
