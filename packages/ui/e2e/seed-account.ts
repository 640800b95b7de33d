// An account with a large history, written straight through the server's
// push endpoint (as another device would have pushed it), so a test can sign
// a fresh browser in to it.
import { expect } from '@playwright/test';
import { PASSWORD } from './sync-helpers.js';

interface Change {
  kind: 'conversation' | 'message';
  id: string;
  projectId: string;
  hlc: string;
  deleted: false;
  data: Record<string, unknown>;
}

const CLIENT = 'seeddevice';
const PROJECT = 'default';

/** The text of message `m` of conversation `c`: long enough to weigh like a real answer. */
export function seededText(c: number, m: number): string {
  return `Message ${m} of topic ${c}. ${'Some words of a long enough answer. '.repeat(12)}`;
}

export const seededTitle = (c: number) => `Topic ${c}`;

/** Signs `username` up and pushes `conversations` x `messages` records; newer topics have greater numbers. */
export async function seedAccount(
  baseURL: string,
  username: string,
  conversations: number,
  messages: number,
): Promise<void> {
  const signup = await fetch(`${baseURL}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(signup.status, await signup.clone().text()).toBe(201);
  const { token } = (await signup.json()) as { token: string };

  let counter = 0;
  const start = Date.now() - conversations * messages * 1000;
  const stamp = (ms: number) =>
    `${String(ms).padStart(15, '0')}:${String(counter++ % 100000).padStart(5, '0')}:${CLIENT}`;
  const changes: Change[] = [];
  for (let c = 0; c < conversations; c++) {
    const conversationId = `seed-c${String(c).padStart(4, '0')}`;
    const first = start + c * messages * 1000;
    const last = first + (messages - 1) * 1000;
    let parentId: string | null = null;
    for (let m = 0; m < messages; m++) {
      const id = `${conversationId}-m${String(m).padStart(4, '0')}`;
      const at = first + m * 1000;
      changes.push({
        kind: 'message',
        id,
        projectId: PROJECT,
        hlc: stamp(at),
        deleted: false,
        data: {
          id,
          conversationId,
          projectId: PROJECT,
          role: m % 2 === 0 ? 'user' : 'assistant',
          content: seededText(c, m),
          status: 'complete',
          createdAt: at,
          updatedAt: at,
          parentId,
        },
      });
      parentId = id;
    }
    changes.push({
      kind: 'conversation',
      id: conversationId,
      projectId: PROJECT,
      hlc: stamp(last),
      deleted: false,
      data: {
        id: conversationId,
        projectId: PROJECT,
        title: seededTitle(c),
        createdAt: first,
        updatedAt: last,
        archived: false,
        pinned: false,
        tags: [],
        activeLeafId: parentId ?? undefined,
      },
    });
  }

  for (let i = 0; i < changes.length; i += 500) {
    const response = await fetch(`${baseURL}/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ clientId: CLIENT, changes: changes.slice(i, i + 500) }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const { results } = (await response.json()) as { results: { status: string }[] };
    expect(results.every((r) => r.status === 'applied')).toBe(true);
  }
}
