// The versions this device lost to edits made elsewhere: each can be put
// back (a new edit that syncs everywhere) or dismissed.
import type { Conversation, Message, SyncConflict } from '@chatkeep/storage';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { getSyncRuntime, useSyncStatus } from './sync-service.js';

const conflictsKey = ['sync-conflicts'] as const;

export function ConflictsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const storage = useStorage();
  const status = useSyncStatus();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const conflicts = useQuery({
    queryKey: [...conflictsKey, status.conflicts],
    queryFn: async () => {
      const list = (await getSyncRuntime()?.listConflicts()) ?? [];
      // What each record looks like now, to compare with the version that lost.
      return Promise.all(
        list.map(async (conflict) => ({
          conflict,
          current:
            conflict.kind === 'conversation'
              ? await storage.getConversation(conflict.recordId)
              : await findMessage(storage, conflict),
        })),
      );
    },
    enabled: open,
  });

  const act = async (action: 'restore' | 'dismiss', id: string) => {
    setError(undefined);
    try {
      const runtime = getSyncRuntime();
      if (action === 'restore') await runtime?.restoreConflict(id);
      else await runtime?.dismissConflict(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await queryClient.invalidateQueries({ queryKey: conflictsKey });
  };

  const items = conflicts.data ?? [];
  return (
    <Dialog title="Conflicts" open={open} onClose={onClose} wide>
      <p className="muted">
        These edits were made on this device while another device changed the same thing; the other change was
        newer, so it is what every device shows now. Restore an edit to make it the current version
        everywhere, or dismiss it.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {conflicts.isPending && open ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p>No conflicts: every edit made here is the current version.</p>
      ) : (
        <ul className="conflict-list">
          {items.map(({ conflict, current }) => (
            <li
              key={conflict.id}
              className="conflict"
              aria-label={`Conflict: ${summary(conflict.local, conflict.kind)}`}
            >
              <p>
                <strong>{conflict.kind === 'conversation' ? 'Conversation' : 'Message'}</strong>, changed here{' '}
                {new Date(conflict.detectedAt).toLocaleString()}:
              </p>
              <p className="conflict-version">
                <span className="muted">Your version: </span>
                {summary(conflict.local, conflict.kind)}
              </p>
              <p className="conflict-version">
                <span className="muted">Current version: </span>
                {current ? summary(current, conflict.kind) : 'deleted'}
              </p>
              <div className="conflict-actions">
                <button
                  type="button"
                  className="ghost-button"
                  onClick={() => void act('restore', conflict.id)}
                >
                  Restore
                </button>
                <button
                  type="button"
                  className="ghost-button"
                  onClick={() => void act('dismiss', conflict.id)}
                >
                  Dismiss
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

function summary(record: SyncConflict['local'] | Conversation | Message | undefined, kind: string): string {
  if (!record) return kind === 'conversation' ? 'deleted' : 'deleted';
  if ('title' in record) {
    const flags = [record.archived && 'archived', record.pinned && 'pinned'].filter(Boolean).join(', ');
    return `“${record.title || 'New chat'}”${flags ? ` (${flags})` : ''}`;
  }
  // Project names are last write wins without conflicts; one here came from an older version.
  if (!('content' in record)) return `project “${record.name}”`;
  const text = record.content.length > 160 ? `${record.content.slice(0, 160)}…` : record.content;
  return `“${text}”`;
}

async function findMessage(
  storage: ReturnType<typeof useStorage>,
  conflict: SyncConflict,
): Promise<Message | undefined> {
  const conversationId = (conflict.local as Message | null)?.conversationId;
  if (!conversationId) return undefined;
  const messages = await storage.loadConversation(conversationId);
  return messages.find((m) => m.id === conflict.recordId);
}
