import {
  type ChatStorageAdapter,
  type FallbackMergeReport,
  recoverAllRecent,
  StorageBlockedError,
} from '@chatkeep/storage';
import { QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { preloadAssistants } from '../assistants/index.js';
import { ChatView } from '../chat/ChatView.js';
import type { ComposerHandle } from '../chat/Composer.js';
import { stopAnswer, streamLocks } from '../chat/chat-controller.js';
import { MessageSkeleton } from '../chat/MessageList.js';
import { type MigrationNotice, requestPersistentStorage } from '../data/boot.js';
import { afterFirstPaint, useFirstPaintDone } from '../data/first-paint.js';
import { conversationQuery, messagesQuery } from '../data/queries.js';
import { fallbackMergeReport, getStorage, queryClient } from '../data/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { useActiveConversationId, useUi } from '../data/ui-store.js';
import { Sidebar } from '../sidebar/Sidebar.js';
import { SyncStatus } from '../sync/SyncStatus.js';
import { PHONE_LAYOUT, useMediaQuery } from '../ui-kit/focus.js';
import { useLazyDialog } from '../ui-kit/lazy-dialog.js';
import { Announcer } from './Announcer.js';
import { Banners } from './Banners.js';
import { StorageBlocked } from './StorageBlocked.js';
import { startUrlSync } from './url-sync.js';
import { useShortcuts } from './use-shortcuts.js';

const loadSettingsDialog = () => import('../settings/SettingsDialog.js').then((m) => m.SettingsDialog);
const loadShortcutsDialog = () => import('./ShortcutsDialog.js').then((m) => m.ShortcutsDialog);

interface Boot {
  adapter: ChatStorageAdapter;
  migration: Promise<MigrationNotice | undefined>;
  /** History written to localStorage while IndexedDB was unavailable, merged as storage opened. */
  fallbackMerge: FallbackMergeReport | undefined;
}

let booting: Promise<Boot> | undefined;

/**
 * Once per page, whatever React does with effects; main.tsx calls it before
 * the first render so that storage opens while React starts. After a failure
 * (another tab blocking storage) the next call tries again.
 */
export function boot(): Promise<Boot> {
  booting ??= getStorage().then(startWith, (error: unknown) => {
    booting = undefined;
    throw error;
  });
  return booting;
}

/** What runs once storage is open: first reads, then the work that waits for the first paint. */
function startWith(adapter: ChatStorageAdapter): Boot {
  // The address names what to open (a link, Back, a reload) before anything is read.
  startUrlSync(adapter);
  // The first storage read is the page the reader is waiting for.
  prefetchOpenConversation(adapter);
  afterFirstPaint(() => {
    void requestPersistentStorage();
    void import('../settings/background.js').then(({ startSettingsServices }) =>
      startSettingsServices(adapter),
    );
    // Answers cut off by a closed tab or crash, in conversations not open yet
    // (the open one is recovered as soon as its messages are read).
    whenIdle(() => void recoverAllRecent(adapter, streamLocks()).catch(() => {}));
    whenIdle(() => void preloadAssistants().catch(() => {}));
    // Messages left waiting for the network when the app last closed.
    whenIdle(() => void import('./outbox-service.js').then(({ startOutbox }) => startOutbox(adapter)));
  });
  const migration = new Promise<MigrationNotice | undefined>((resolve) =>
    afterFirstPaint(() =>
      resolve(
        import('./legacy-migration.js')
          .then(({ migrateLegacy }) => migrateLegacy(adapter))
          .catch(
            (e: unknown): MigrationNotice => ({
              status: 'failed',
              error: e instanceof Error ? e.message : String(e),
            }),
          ),
      ),
    ),
  );
  return { adapter, migration, fallbackMerge: fallbackMergeReport() };
}

/** Reads the open conversation's newest page and record into the cache the views read from. */
function prefetchOpenConversation(adapter: ChatStorageAdapter): void {
  const { projectId, activeByProject } = useUi.getState();
  const id = activeByProject[projectId];
  if (!id) return;
  void queryClient.prefetchInfiniteQuery(messagesQuery(adapter, id));
  void queryClient.prefetchQuery(conversationQuery(adapter, id));
}

function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 2000 });
  else setTimeout(work, 0);
}

export function App() {
  const [adapter, setAdapter] = useState<ChatStorageAdapter>();
  const [openError, setOpenError] = useState<unknown>();
  const [migration, setMigration] = useState<MigrationNotice>();
  const [fallbackMerge, setFallbackMerge] = useState<FallbackMergeReport>();
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each attempt opens storage again (Retry).
  useEffect(() => {
    let live = true;
    boot().then(
      ({ adapter, migration, fallbackMerge }) => {
        if (!live) return;
        setAdapter(adapter);
        setFallbackMerge(fallbackMerge);
        void migration.then((notice) => {
          if (live && notice) setMigration(notice);
          if (notice?.status === 'migrated') void queryClient.invalidateQueries();
        });
      },
      (error: unknown) => {
        if (!live) return;
        setOpenError(error);
        setRetrying(false);
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setRetrying(true);
    setAttempt((n) => n + 1);
  }, []);

  if (adapter) {
    return (
      <QueryClientProvider client={queryClient}>
        <StorageProvider value={adapter}>
          <Shell
            migration={migration}
            onDismissMigration={() => setMigration(undefined)}
            fallbackMerge={fallbackMerge}
            onDismissFallbackMerge={() => setFallbackMerge(undefined)}
          />
        </StorageProvider>
      </QueryClientProvider>
    );
  }
  if (openError instanceof StorageBlockedError) {
    return <StorageBlocked error={openError} onRetry={retry} retrying={retrying} />;
  }
  if (openError) {
    return (
      <div className="fatal" role="alert">
        <h1>Chatkeep cannot open its storage</h1>
        <p>{openError instanceof Error ? openError.message : String(openError)}</p>
        <p>
          Check that this browser allows site data for this page (private windows may block it), then reload.
        </p>
      </div>
    );
  }
  return <ShellSkeleton />;
}

interface ShellProps {
  migration?: MigrationNotice;
  onDismissMigration(): void;
  fallbackMerge?: FallbackMergeReport;
  onDismissFallbackMerge(): void;
}

function Shell({ migration, onDismissMigration, fallbackMerge, onDismissFallbackMerge }: ShellProps) {
  const projectId = useUi((s) => s.projectId);
  const activeId = useActiveConversationId();
  const openConversation = useUi((s) => s.openConversation);
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const setSidebarOpen = useUi((s) => s.setSidebarOpen);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const SettingsDialog = useLazyDialog(loadSettingsDialog, settingsOpen, () => setSettingsOpen(false));
  const ShortcutsDialog = useLazyDialog(loadShortcutsDialog, helpOpen, () => setHelpOpen(false));
  const mainViewPainted = useFirstPaintDone();
  const searchRef = useRef<HTMLInputElement>(null);
  const composerRef = useRef<ComposerHandle>(null);
  // The open drawer on a phone is modal: the chat behind it takes no focus or clicks.
  const drawerOver = useMediaQuery(PHONE_LAYOUT) && sidebarOpen;

  const newChat = () => {
    openConversation(null);
    setTimeout(() => composerRef.current?.focus(), 0);
  };

  useShortcuts({
    newChat,
    search: () => {
      setSidebarOpen(true);
      searchRef.current?.focus();
    },
    closeSearch: () => {
      const { search, setSearch } = useUi.getState();
      if (search) {
        setSearch('');
        return;
      }
      setSidebarOpen(false);
      composerRef.current?.focus();
    },
    stop: () => activeId && stopAnswer(activeId),
    help: () => setHelpOpen(true),
  });

  return (
    <div className="app">
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #message-box; the click moves focus there without changing the address */}
      <a
        className="skip-link"
        href="#message-box"
        onClick={(e) => {
          e.preventDefault();
          composerRef.current?.focus();
        }}
      >
        Skip to message box
      </a>
      <Sidebar
        ref={searchRef}
        onNewChat={newChat}
        onOpenSettings={() => setSettingsOpen(true)}
        onOpenShortcuts={() => setHelpOpen(true)}
        syncStatus={<SyncStatus />}
        deferList={!mainViewPainted}
      />
      {sidebarOpen && <div className="scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />}
      <div className="main-column" inert={drawerOver}>
        <Banners
          migration={migration}
          onDismissMigration={onDismissMigration}
          fallbackMerge={fallbackMerge}
          onDismissFallbackMerge={onDismissFallbackMerge}
        />
        <ChatView key={projectId} ref={composerRef} projectId={projectId} conversationId={activeId} />
      </div>
      {SettingsDialog && <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />}
      {ShortcutsDialog && <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />}
      <Announcer />
    </div>
  );
}

/** Shown for the moment storage takes to open: the layout, never a blank page. */
function ShellSkeleton() {
  return (
    <div className="app" aria-busy="true">
      <aside className="sidebar">
        <div className="sidebar-top">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Chatkeep
          </div>
        </div>
        <div className="skeleton-nav" aria-hidden="true">
          <div className="skeleton" />
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      </aside>
      <div className="main-column">
        <main className="chat">
          <MessageSkeleton />
        </main>
      </div>
    </div>
  );
}
