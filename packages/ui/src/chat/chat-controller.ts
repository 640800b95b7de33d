// Starts, stops and retries answers for the React tree, and keeps track of
// the streams live in this tab. The chat loop itself is in chat/run-turn.ts.
import {
  type ChatStorageAdapter,
  defaultStreamLocks,
  type Message,
  newId,
  type StreamLocks,
} from '@chatkeep/storage';
import { create } from 'zustand';
import {
  currentAssistantSettings,
  needsNetwork,
  useAssistantSettings,
} from '../assistants/assistant-settings.js';
import { createAssistant } from '../assistants/index.js';
import {
  cancelQueued,
  claimQueued,
  defaultOutboxLock,
  editQueued,
  Outbox,
  type OutboxLock,
  queuedMetadata,
  queueMessage,
} from './outbox.js';
import { answerAgain, runAnswer, saveUserMessage, sendUserMessage, type TurnOutcome } from './run-turn.js';
import { titleFromMessage } from './title.js';

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

let outboxParts: { outbox: Outbox; lock: OutboxLock } | undefined;
const outboxes = () => {
  outboxParts ??= { outbox: new Outbox(localStorage), lock: defaultOutboxLock() };
  return outboxParts;
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
    contextMessages: useAssistantSettings.getState().contextMessages,
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
  const parent = input.parentId !== undefined ? { parentId: input.parentId } : {};
  const { kind, endpoint } = useAssistantSettings.getState();
  if (!navigator.onLine && needsNetwork(kind, endpoint.baseURL)) {
    // Offline with a remote model: saved now, sent when the network is back.
    const { outbox } = outboxes();
    const messageId = newId();
    outbox.add({ messageId, conversationId: id });
    await saveUserMessage({
      storage,
      conversationId: id,
      projectId: input.projectId,
      text: input.text,
      id: messageId,
      metadata: queuedMetadata(),
      ...parent,
    });
    return id;
  }
  const controller = begin(id);
  try {
    const { message, outcome } = await sendUserMessage({
      ...turnOptions(storage, id, input.projectId, controller.signal),
      // A question can wait for its endpoint; a Regenerate or Retry says what failed instead.
      queueWhenUnreachable: true,
      text: input.text,
      ...parent,
    });
    follow(id, queueIfUnreachable(storage, message, outcome));
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

/** The endpoint could not be reached: the question waits in the outbox instead. */
async function queueIfUnreachable(
  storage: ChatStorageAdapter,
  message: Message,
  outcome: Promise<TurnOutcome>,
): Promise<TurnOutcome> {
  const result = await outcome;
  if (result.status === 'unreachable') {
    // Offline, the waiting note says it all; online, the reason tells what to check.
    await queueMessage(storage, outboxes().outbox, message, navigator.onLine ? result.error : undefined);
  }
  return result;
}

/**
 * Sends the messages waiting in the outbox (all, or `only` these): each is
 * claimed under the cross-tab lock first, so it is sent once whichever tabs
 * ask. Resolves once the answers have started.
 */
export async function sendQueued(
  storage: ChatStorageAdapter,
  only?: Pick<Message, 'id' | 'conversationId'>[],
): Promise<number> {
  const { outbox, lock } = outboxes();
  // A message marked but not listed (its tab closed in between) can still be sent by hand.
  for (const m of only ?? []) outbox.add({ messageId: m.id, conversationId: m.conversationId });
  const leaves = await claimQueued({
    storage,
    outbox,
    lock,
    ...(only ? { only: only.map((m) => m.id) } : {}),
  });
  for (const message of leaves) {
    const { conversationId, projectId } = message;
    if (controllers.has(conversationId)) {
      // An answer is already streaming there in this tab: this one waits for the next round.
      await queueMessage(storage, outbox, message);
      continue;
    }
    const controller = begin(conversationId);
    const outcome = runAnswer({
      ...turnOptions(storage, conversationId, projectId, controller.signal),
      queueWhenUnreachable: true,
      parentId: message.id,
    });
    follow(conversationId, queueIfUnreachable(storage, message, outcome));
  }
  return leaves.length;
}

/** Cancel sending: the waiting message is deleted. False when it was already on its way. */
export function cancelQueuedMessage(storage: ChatStorageAdapter, message: Message): Promise<boolean> {
  const { outbox, lock } = outboxes();
  return cancelQueued({ storage, outbox, lock, message });
}

/** Edit before sending: the text is replaced in place. False when it was already on its way. */
export function editQueuedMessage(
  storage: ChatStorageAdapter,
  message: Message,
  text: string,
): Promise<boolean> {
  return editQueued({ storage, lock: outboxes().lock, message, text });
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
