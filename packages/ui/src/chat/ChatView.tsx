import { useQueryClient } from '@tanstack/react-query';
import { forwardRef, useEffect, useLayoutEffect, useState } from 'react';
import {
  assistantLabel,
  contextNote,
  offlineComposerNote,
  useAssistantSettings,
} from '../assistants/assistant-settings.js';
import { reportMainViewCommitted } from '../data/first-paint.js';
import { useConversation } from '../data/queries.js';
import { queryKeys } from '../data/query-keys.js';
import { useStorage } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { useOnline } from '../data/use-online.js';
import { SyncBadge } from '../sync/SyncStatus.js';
import { useConversationDownload } from '../sync/use-conversation-download.js';
import { TitleInput } from '../ui-kit/TitleInput.js';
import { Composer, type ComposerHandle } from './Composer.js';
import { sendMessage, stopAnswer, useStreams } from './chat-controller.js';
import { MessageList, MessageSkeleton } from './MessageList.js';
import { MissingConversation } from './MissingConversation.js';
import { useInterruptedRecovery } from './use-recovery.js';
import { draftKey } from './view-memory.js';
import { Welcome } from './Welcome.js';

interface ChatViewProps {
  projectId: string;
  conversationId: string | null;
}

export const ChatView = forwardRef<ComposerHandle, ChatViewProps>(function ChatView(
  { projectId, conversationId },
  composerRef,
) {
  const storage = useStorage();
  const queryClient = useQueryClient();
  const openConversation = useUi((s) => s.openConversation);
  const setSidebarOpen = useUi((s) => s.setSidebarOpen);
  const conversation = useConversation(conversationId);
  const live = useStreams((s) => (conversationId ? !!s.live[conversationId] : false));
  const { kind, endpoint, contextMessages } = useAssistantSettings();
  const online = useOnline();
  const [editing, setEditing] = useState(false);
  const [follow, setFollow] = useState(0);
  useInterruptedRecovery(conversationId);
  // A new device still downloading its history fetches this conversation first.
  const downloading = useConversationDownload(conversationId);

  const followConversation = useUi((s) => s.followConversation);
  const movedTo =
    conversation.data && conversation.data.projectId !== projectId ? conversation.data.projectId : null;
  useEffect(() => {
    if (movedTo && conversationId) followConversation(conversationId, movedTo);
  }, [movedTo, conversationId, followConversation]);

  const label = assistantLabel(kind, endpoint.model);
  const missing = conversationId && conversation.isSuccess && !conversation.data;
  // No message list to wait for: a new chat, or a conversation that is gone.
  const nothingToList = !conversationId || !!missing;
  useLayoutEffect(() => {
    if (nothingToList) reportMainViewCommitted(false);
  }, [nothingToList]);

  const send = async (text: string) => {
    const id = await sendMessage(storage, { projectId, conversationId, text });
    if (id !== conversationId) {
      await queryClient.invalidateQueries({ queryKey: queryKeys.conversations(projectId) });
      openConversation(id);
    }
    setFollow((n) => n + 1);
  };

  const title = conversation.data?.title || 'New chat';

  return (
    <main className="chat" aria-label="Chat">
      <header className="chat-header">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-label="Show conversations"
          onClick={() => setSidebarOpen(true)}
        >
          ☰
        </button>
        {editing && conversation.data ? (
          <TitleInput
            initial={conversation.data.title}
            onSave={(t) => {
              setEditing(false);
              void storage.updateConversation(conversation.data!.id, { title: t });
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <h1 className="chat-title">{title}</h1>
        )}
        {conversation.data && !editing && (
          <button type="button" className="ghost-button" onClick={() => setEditing(true)}>
            Edit title
          </button>
        )}
        <SyncBadge />
      </header>
      {missing ? (
        <MissingConversation conversationId={conversationId} />
      ) : conversationId ? (
        conversation.isPending ? (
          <MessageSkeleton />
        ) : downloading && conversation.data?.messageCount === 0 ? (
          <MessageSkeleton note="Downloading this conversation from the sync server…" />
        ) : (
          <MessageList
            key={conversationId}
            conversationId={conversationId}
            live={live}
            followSignal={follow}
          />
        )
      ) : (
        <Welcome isDemo={kind === 'demo'} projectId={projectId} />
      )}
      {!missing && (
        <Composer
          ref={composerRef}
          draftKey={draftKey(conversationId, projectId)}
          streaming={live}
          assistantLabel={label}
          isDemo={kind === 'demo'}
          offlineNote={offlineComposerNote(kind, endpoint, online)}
          contextNote={contextNote(conversation.data?.messageCount ?? 0, contextMessages)}
          onSend={send}
          onStop={() => conversationId && stopAnswer(conversationId)}
        />
      )}
    </main>
  );
});
