// Reads a plain array of Vercel AI SDK UI messages (any version the legacy
// migration reads) as one conversation. Its id comes from the first
// message's id, so importing the same chat again, even grown longer,
// updates the same conversation.
import { convertAiSdkMessages } from '../ai-sdk/convert.js';
import { ChatStorageError } from '../errors.js';
import { previewOf } from '../schema.js';
import { DEFAULT_PROJECT_ID, type ImportPlan, isRecord, type ReaderOptions } from './plan.js';

/** An array of messages, or `{ messages: [...] }` as chat apps often save them. */
export function aiSdkMessages(data: unknown): unknown[] | undefined {
  const list = Array.isArray(data)
    ? data
    : isRecord(data) && Array.isArray(data.messages)
      ? data.messages
      : undefined;
  if (!list || list.length === 0) return undefined;
  return list.every((m) => isRecord(m) && typeof m.role === 'string') ? list : undefined;
}

export function readAiSdkMessages(data: unknown, opts: ReaderOptions): ImportPlan {
  const list = aiSdkMessages(data);
  if (!list) {
    throw new ChatStorageError(
      'import-failed',
      'Expected a JSON array of AI SDK messages, each an object with a "role" (and "content" or "parts").',
    );
  }
  const firstId = list.map((m) => (m as { id?: unknown }).id).find((id) => typeof id === 'string' && id);
  const conversationId = `ai-sdk-${firstId ?? stableHash(JSON.stringify(list[0]))}`.slice(0, 200);
  const projectId = opts.projectId ?? DEFAULT_PROJECT_ID;
  const { messages, skipped } = convertAiSdkMessages(list, { conversationId, projectId, now: opts.now });
  const times = messages.map((m) => m.createdAt).filter((t): t is number => typeof t === 'number');
  const createdAt = times.length > 0 ? Math.min(...times) : opts.now;
  const firstUser = messages.find((m) => m.role === 'user' && m.content.trim() !== '');
  return {
    items: [
      {
        conversation: {
          id: conversationId,
          projectId,
          title: firstUser ? previewOf(firstUser.content).slice(0, 80) : 'Imported chat',
          createdAt,
          updatedAt: times.length > 0 ? Math.max(...times) : createdAt,
        },
        messages,
        // convertAiSdkMessages returns only messages that passed validateMessageInput.
        validated: true,
      },
    ],
    skipped: skipped.map((s) => ({ ...s, reason: `conversation ${conversationId}: ${s.reason}` })),
  };
}

/** A short deterministic id for messages that carry none (FNV-1a, 32 bits). */
function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
