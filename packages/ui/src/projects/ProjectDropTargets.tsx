// While a conversation is dragged, the other projects are listed as places
// to drop it: dropping moves it there with all its messages.
import { useState } from 'react';
import { useStreams } from '../chat/chat-controller.js';
import { useProjectRecords } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { MOVE_WHILE_STREAMING } from './names.js';

/** The drag data that carries a conversation's id. */
export const CONVERSATION_DRAG_TYPE = 'application/x-chatkeep-conversation';

interface ProjectDropTargetsProps {
  projectId: string;
  onDone(): void;
  onError(message: string): void;
}

export function ProjectDropTargets({ projectId, onDone, onError }: ProjectDropTargetsProps) {
  const storage = useStorage();
  const others = (useProjectRecords() ?? []).filter((p) => p.id !== projectId);
  const [over, setOver] = useState<string | undefined>();
  if (others.length === 0) return null;

  const carriesConversation = (e: React.DragEvent) => e.dataTransfer.types.includes(CONVERSATION_DRAG_TYPE);

  return (
    <section className="project-drop" aria-label="Move to project">
      <p className="muted">Drop on a project to move the conversation there</p>
      <ul>
        {others.map((p) => (
          <li
            key={p.id}
            className={over === p.id ? 'over' : undefined}
            onDragOver={(e) => {
              if (!carriesConversation(e)) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setOver(p.id);
            }}
            onDragLeave={() => setOver((id) => (id === p.id ? undefined : id))}
            onDrop={(e) => {
              e.preventDefault();
              const id = e.dataTransfer.getData(CONVERSATION_DRAG_TYPE);
              onDone();
              if (id && useStreams.getState().live[id]) onError(MOVE_WHILE_STREAMING);
              else if (id) {
                storage
                  .moveConversation(id, p.id)
                  .catch((error: unknown) => onError(error instanceof Error ? error.message : String(error)));
              }
            }}
          >
            {p.name}
          </li>
        ))}
      </ul>
    </section>
  );
}
