// A ChatGPT data export (`conversations.json`) built from the benchmark
// dataset: the same seeded conversations written as ChatGPT writes them —
// a `mapping` tree with an empty root and a hidden system node, times in
// seconds, code sent to a tool and its output, reasoning before some
// answers and a regenerated answer now and then (a second branch).
import { conversationsOf, type DatasetSpec } from './dataset.js';

type Node = { id: string; parent: string | null; children: string[]; message: unknown };

export interface ChatGptFile {
  text: string;
  /** Messages Chatkeep keeps (reasoning folds into the answer, the empty root and system nodes are not messages). */
  messages: number;
  conversations: number;
}

function message(
  id: string,
  role: string,
  content: Record<string, unknown>,
  ms: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    author: { role, name: null, metadata: {} },
    create_time: ms / 1000,
    update_time: null,
    content,
    status: 'finished_successfully',
    end_turn: role === 'assistant' ? true : null,
    weight: 1,
    metadata: {},
    recipient: 'all',
    ...extra,
  };
}

/** At least `minMessages` messages, in whole conversations of the import set of `spec`. */
export function chatGptExport(spec: DatasetSpec, minMessages: number): ChatGptFile {
  const source = { ...spec, seed: spec.seed + 11, conversations: 100_000, bigMessages: 0 };
  const out: unknown[] = [];
  let kept = 0;
  for (const { conversation, messages } of conversationsOf(source)) {
    if (kept >= minMessages) break;
    const mapping: Record<string, Node> = {};
    const add = (node: Node) => {
      mapping[node.id] = node;
      if (node.parent) mapping[node.parent]!.children.push(node.id);
    };
    const root = `${conversation.id}-root`;
    const system = `${conversation.id}-system`;
    add({ id: root, parent: null, children: [], message: null });
    add({
      id: system,
      parent: root,
      children: [],
      message: {
        ...message(system, 'system', { content_type: 'text', parts: [''] }, conversation.createdAt),
        metadata: { is_visually_hidden_from_conversation: true },
      },
    });
    let parent = system;
    let answers = 0;
    for (const m of messages) {
      const at = m.createdAt;
      if (m.role === 'assistant' && !m.toolCalls) {
        answers += 1;
        if (answers % 7 === 0) {
          // Reasoning before the answer: kept in the answer's metadata, not a message.
          const thoughts = `${m.id}-thoughts`;
          add({
            id: thoughts,
            parent,
            children: [],
            message: message(
              thoughts,
              'assistant',
              {
                content_type: 'thoughts',
                thoughts: [{ summary: 'Thinking it over', content: m.content.slice(0, 200), finished: true }],
              },
              at - 1,
            ),
          });
          parent = thoughts;
        }
        if (answers % 10 === 0) {
          // An earlier answer, regenerated: a second branch under the same prompt.
          const old = `${m.id}-old`;
          add({
            id: old,
            parent,
            children: [],
            message: message(
              old,
              'assistant',
              { content_type: 'text', parts: [m.content.slice(0, 300)] },
              at - 1,
              {
                metadata: { model_slug: 'gpt-4o' },
              },
            ),
          });
          kept += 1;
        }
      }
      const node: Node = { id: m.id, parent, children: [], message: null };
      if (m.role === 'assistant' && m.toolCalls?.[0]) {
        node.message = message(
          m.id,
          'assistant',
          { content_type: 'code', language: 'python', text: JSON.stringify(m.toolCalls[0].arguments) },
          at,
          { recipient: m.toolCalls[0].name, metadata: { model_slug: 'gpt-4o' } },
        );
      } else if (m.role === 'tool') {
        node.message = {
          ...message(m.id, 'tool', { content_type: 'execution_output', text: m.content }, at),
          author: { role: 'tool', name: m.toolName, metadata: {} },
        };
      } else {
        node.message = message(
          m.id,
          m.role,
          { content_type: 'text', parts: [m.content] },
          at,
          m.role === 'assistant' ? { metadata: { model_slug: 'gpt-4o' } } : {},
        );
      }
      add(node);
      parent = m.id;
      kept += 1;
    }
    out.push({
      title: conversation.title,
      create_time: conversation.createdAt / 1000,
      update_time: conversation.updatedAt / 1000,
      mapping,
      current_node: parent,
      conversation_id: conversation.id,
      id: conversation.id,
      is_archived: conversation.archived,
      default_model_slug: 'gpt-4o',
    });
  }
  return { text: JSON.stringify(out), messages: kept, conversations: out.length };
}
