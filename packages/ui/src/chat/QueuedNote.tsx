// On a message waiting for the network: what will happen, why it has not
// gone yet (when the endpoint was tried), and Send now / Cancel sending.
// Edit is the message's usual "Edit message" action.
import type { Message } from '@chatkeep/storage';
import { useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { useOnline } from '../data/use-online.js';
import { cancelQueuedMessage, sendQueued } from './chat-controller.js';
import type { QueuedMark } from './outbox.js';
import { describeError } from './run-turn.js';

export function QueuedNote({ message, mark }: { message: Message; mark: QueuedMark }) {
  const storage = useStorage();
  const online = useOnline();
  const [problem, setProblem] = useState<string | undefined>();

  const attempt = async (what: string, action: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(`${what} failed: ${describeError(error)}`);
    }
  };

  return (
    <div className="message-status status-queued" role="status">
      <p>Waiting for the network: it will be sent when you are back online</p>
      {online && mark.reason && <p className="queued-reason">{mark.reason}</p>}
      <div className="queued-buttons">
        {online && (
          <button
            type="button"
            className="ghost-button"
            onClick={() => void attempt('Sending', () => sendQueued(storage, [message]))}
          >
            Send now
          </button>
        )}
        <button
          type="button"
          className="ghost-button"
          onClick={() =>
            void attempt('Cancelling', async () => {
              if (!(await cancelQueuedMessage(storage, message))) {
                setProblem('Too late to cancel: the message is already on its way.');
              }
            })
          }
        >
          Cancel sending
        </button>
      </div>
      {problem && <p className="queued-problem">{problem}</p>}
    </div>
  );
}
