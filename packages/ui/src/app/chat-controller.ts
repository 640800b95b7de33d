// Starts, stops and retries answers for the React tree, and keeps track of
// the streams live in this tab. The chat loop itself is in chat/run-turn.ts.
import {
  type ChatStorageAdapter,
  defaultStreamLocks,
  type Message,
  type StreamLocks,
} from '@chatkeep/storage';
import { create } from 'zustand';
import { createAssistant } from '../assistants/index.js';
import { answerAgain, sendUserMessage, type TurnOutcome } from '../chat/run-turn.js';
import { titleFromMessage } from '../chat/title.js';
import { currentAssistantSettings } from '../settings/assistant-settings.js';

interface StreamsState {
  /** Conversations with an answer streaming in this tab. */
  live: Record<string, true>;
  /** A write that failed (for example storage full), shown as an alert. */
  saveError?: string;
  clearSaveError(): void;
  /** What screen readers are told when an answer ends; `seq` tells two equal texts apart. */
  announcement?: { text: string; seq: number };
}

export const useStreams = create<StreamsState>((set) => ({
  live: {},
  clearSaveError: () => set({ saveError: undefined }),
}));

const controllers = new Map<string, AbortController>();
let locks: StreamLocks | undefined;
const streamLocks = () => {
  locks ??= defaultStreamLocks();
  return locks;
};

export function isLiveHere(conversationId: string): boolean {
  return controllers.has(conversationId);
}

function begin(conversationId: string): AbortController {
  const controller = new AbortController();
  controllers.set(conversationId, controller);
  useStreams.setState((s) => ({ live: { ...s.live, [conversationId]: true } }));
  return controller;
}

function end(conversationId: string, outcome: TurnOutcome | undefined, error?: unknown) {
  controllers.delete(conversationId);
  useStreams.setState((s) => {
    const { [conversationId]: _gone, ...live } = s.live;
    const failure = outcome?.status === 'not-saved' ? outcome.error : error;
    const announcement = { text: announcementText(outcome, failure), seq: (s.announcement?.seq ?? 0) + 1 };
    return failure ? { live, saveError: saveErrorText(failure), announcement } : { live, announcement };
  });
}

/** What a screen reader hears when an answer ends, however it ended. */
export function announcementText(outcome: TurnOutcome | undefined, failure: unknown): string {
  if (failure !== undefined && failure !== null) return saveErrorText(failure);
  switch (outcome?.status) {
    case 'complete':
      return 'Answer finished';
    case 'stopped':
      return 'Answer stopped';
    case 'error':
      return `The answer failed: ${outcome.error}`;
    default:
      return 'The answer ended';
  }
}

function saveErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `The answer could not be saved: ${message}`;
}

function turnOptions(
  storage: ChatStorageAdapter,
  conversationId: string,
  projectId: string,
  signal: AbortSignal,
) {
  return {
    storage,
    locks: streamLocks(),
    assistant: createAssistant(currentAssistantSettings()),
    conversationId,
    projectId,
    signal,
    // The page may be frozen or closed once hidden: each stream saves what it has buffered then.
    writerOptions: { pageHide: window },
  };
}

/**
 * Sends `text` in the conversation (creating it first when `conversationId`
 * is null) and starts the answer. With `parentId` (an edit: the parent of
 * the message edited) the text is saved as a new version beside it.
 * Resolves with the conversation id once the user's message is saved; the
 * answer goes on streaming.
 */
export async function sendMessage(
  storage: ChatStorageAdapter,
  input: { projectId: string; conversationId: string | null; text: string; parentId?: string | null },
): Promise<string> {
  let conversationId = input.conversationId;
  if (!conversationId) {
    const conversation = await storage.createConversation({
      projectId: input.projectId,
      title: titleFromMessage(input.text),
    });
    conversationId = conversation.id;
  }
  const id = conversationId;
  const controller = begin(id);
  try {
    const { outcome } = await sendUserMessage({
      ...turnOptions(storage, id, input.projectId, controller.signal),
      text: input.text,
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
    });
    follow(id, outcome);
  } catch (error) {
    end(id, undefined);
    throw error;
  }
  return id;
}

/**
 * Regenerate and Retry: a new answer beside `replaced` (same parent); the
 * replaced answer stays as an earlier version.
 */
export function regenerateAnswer(
  storage: ChatStorageAdapter,
  replaced: Pick<Message, 'conversationId' | 'projectId' | 'parentId'>,
): void {
  const { conversationId, projectId } = replaced;
  if (controllers.has(conversationId)) return;
  const controller = begin(conversationId);
  follow(
    conversationId,
    answerAgain({ ...turnOptions(storage, conversationId, projectId, controller.signal), replaced }),
  );
}

function follow(conversationId: string, outcome: Promise<TurnOutcome>) {
  outcome.then(
    (o) => end(conversationId, o),
    (e) => end(conversationId, undefined, e),
  );
}

export function stopAnswer(conversationId: string): void {
  controllers.get(conversationId)?.abort();
}

export { streamLocks };
