// Keeps the address bar and the open project and conversation in step, over
// the History API: opening a conversation pushes /c/<id>, a project's list
// or a new chat /p/<project>; Back, Forward, reload and a pasted link open
// what the address names. The UI store stays the one place views read.
import type { ChatStorageAdapter } from '@chatkeep/storage';
import { type UiState, useUi } from '../data/ui-store.js';
import { parsePath, pathFor, type Route } from './paths.js';

type HistoryWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;

export interface UrlSync {
  /** Settles once the address of the page load has been applied. */
  ready: Promise<void>;
  stop(): void;
}

const ROUTED = /^\/(?:[cp]\/[^/]+\/?)?$/;

const pathOfState = (s: Pick<UiState, 'projectId' | 'activeByProject'>) =>
  pathFor(s.projectId, s.activeByProject[s.projectId] ?? null);

export function startUrlSync(adapter: ChatStorageAdapter, win: HistoryWindow = window): UrlSync {
  let applying = 0;
  let stopped = false;
  /** A linked conversation not on this device: opened as soon as it arrives (sync). */
  let waitingFor: string | undefined;

  const set = (
    projectId: string,
    conversationId: string | null,
    restore?: { projectId: string; id: string | null },
  ) => {
    applying += 1;
    try {
      useUi.setState((s) => {
        const activeByProject = { ...s.activeByProject, [projectId]: conversationId };
        if (restore && restore.projectId !== projectId) activeByProject[restore.projectId] = restore.id;
        const switching = s.projectId !== projectId;
        return { projectId, activeByProject, ...(switching && { search: '', view: 'chats' as const }) };
      });
    } finally {
      applying -= 1;
    }
  };

  const apply = async (route: Route): Promise<void> => {
    if (route.kind === 'project') {
      waitingFor = undefined;
      set(route.projectId, null);
      return;
    }
    if (route.kind !== 'conversation') return;
    const { conversationId } = route;
    const before = useUi.getState();
    const previous = { projectId: before.projectId, id: before.activeByProject[before.projectId] ?? null };
    // Shown at once in the project open now; moved to its own project once read.
    set(before.projectId, conversationId);
    const conversation = await adapter.getConversation(conversationId).catch(() => undefined);
    if (stopped || parsePath(win.location.pathname).kind !== 'conversation') return;
    waitingFor = conversation ? undefined : conversationId;
    if (conversation && conversation.projectId !== before.projectId) {
      set(conversation.projectId, conversationId, previous);
    }
  };

  const unsubscribeStore = useUi.subscribe((state, prev) => {
    if (applying > 0 || stopped) return;
    const next = pathOfState(state);
    if (next === pathOfState(prev) || next === win.location.pathname) return;
    waitingFor = undefined;
    // A new chat that becomes a conversation (its first message) takes the new chat's entry:
    // Back then goes to the conversation before, not to an empty page.
    const fromNewChat =
      state.projectId === prev.projectId && (prev.activeByProject[prev.projectId] ?? null) === null;
    if (fromNewChat) win.history.replaceState(null, '', next);
    else win.history.pushState(null, '', next);
  });

  const onPop = () => {
    if (ROUTED.test(win.location.pathname)) void apply(parsePath(win.location.pathname));
  };
  win.addEventListener('popstate', onPop);

  const initial = win.location.pathname;
  const ready = ROUTED.test(initial)
    ? apply(parsePath(initial)).then(() => {
        // The start page shows what was open last: its address says so.
        if (!stopped && win.location.pathname === '/')
          win.history.replaceState(null, '', pathOfState(useUi.getState()));
      })
    : Promise.resolve();

  // Listened to once the page's address is applied: the first storage reads are the open conversation's.
  let unsubscribeFeed = () => {};
  void ready.then(() => {
    if (stopped) return;
    unsubscribeFeed = adapter.subscribe((change) => {
      const id = waitingFor;
      if (id && change.conversations.some((c) => c.id === id && !c.deleted)) {
        void apply({ kind: 'conversation', conversationId: id });
      }
    });
  });

  return {
    ready,
    stop() {
      stopped = true;
      unsubscribeStore();
      unsubscribeFeed();
      win.removeEventListener('popstate', onPop);
    },
  };
}
