// The app's addresses: /c/<id> for a conversation, /p/<project> for a
// project's list (a new chat in it). Anything else is the start page.

export type Route =
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'project'; projectId: string }
  | { kind: 'home' };

/** Reads a pathname; a malformed escape (typed by hand) is the start page, not an error. */
export function parsePath(pathname: string): Route {
  const match = /^\/([cp])\/([^/]+)\/?$/.exec(pathname);
  if (!match) return { kind: 'home' };
  let value: string;
  try {
    value = decodeURIComponent(match[2]!);
  } catch {
    return { kind: 'home' };
  }
  return match[1] === 'c'
    ? { kind: 'conversation', conversationId: value }
    : { kind: 'project', projectId: value };
}

export function pathOf(route: Route): string {
  switch (route.kind) {
    case 'conversation':
      return `/c/${encodeURIComponent(route.conversationId)}`;
    case 'project':
      return `/p/${encodeURIComponent(route.projectId)}`;
    default:
      return '/';
  }
}

/** Where the open project and conversation live. */
export function pathFor(projectId: string, conversationId: string | null): string {
  return conversationId
    ? pathOf({ kind: 'conversation', conversationId })
    : pathOf({ kind: 'project', projectId });
}
