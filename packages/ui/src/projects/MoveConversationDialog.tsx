// "Move to project…" from a conversation's actions menu: picks another
// project; the conversation moves with all its messages.

import type { Conversation } from '@chatkeep/storage';
import { useState } from 'react';
import { useStreams } from '../chat/chat-controller.js';
import { useProjectRecords } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { MOVE_WHILE_STREAMING } from './names.js';
import { ProjectSelect } from './ProjectSelect.js';

export function MoveConversationDialog({
  conversation,
  onClose,
}: {
  conversation: Conversation;
  onClose(): void;
}) {
  const storage = useStorage();
  const others = (useProjectRecords() ?? []).filter((p) => p.id !== conversation.projectId);
  const [target, setTarget] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const chosen = target ?? others[0]?.id;
  const streaming = useStreams((s) => !!s.live[conversation.id]);

  const move = async () => {
    if (!chosen) return;
    if (useStreams.getState().live[conversation.id]) return setError(MOVE_WHILE_STREAMING);
    try {
      await storage.moveConversation(conversation.id, chosen);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Dialog
      title="Move conversation"
      open
      onClose={onClose}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary-button"
            disabled={!chosen || streaming}
            onClick={() => void move()}
          >
            Move
          </button>
        </>
      }
    >
      {others.length === 0 ? (
        <p>There is no other project yet: create one with “New project” first.</p>
      ) : (
        <ProjectSelect
          label={`Move “${conversation.title || 'New chat'}” to`}
          projects={others}
          value={chosen}
          onChange={setTarget}
        />
      )}
      {streaming && <p className="muted">{MOVE_WHILE_STREAMING}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
