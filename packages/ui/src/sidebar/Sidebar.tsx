import { type Conversation, hasEveryTag } from '@chatkeep/storage';
import { forwardRef, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { deleteWarning } from '../chat/delete-warning.js';
import { viewMemory } from '../chat/view-memory.js';
import { useConversations, useConversationTree } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { useActiveConversationId, useUi } from '../data/ui-store.js';
import { MoveConversationDialog } from '../projects/MoveConversationDialog.js';
import { ProjectDropTargets } from '../projects/ProjectDropTargets.js';
import { ProjectSwitcher } from '../projects/ProjectSwitcher.js';
import { ContentResults } from '../search/ContentResults.js';
import { SearchFilters } from '../search/SearchFilters.js';
import { useSearchIndexLifecycle } from '../search/use-content-search.js';
import { useSyncSettings } from '../sync/sync-service.js';
import { TagFilter } from '../tags/TagFilter.js';
import { useTagFilter } from '../tags/tag-filter.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { PHONE_LAYOUT, useFocusTrap, useMediaQuery } from '../ui-kit/focus.js';
import { useLazyDialog } from '../ui-kit/lazy-dialog.js';
import { ConversationItem } from './ConversationItem.js';
import { groupConversations, matchesTitle } from './grouping.js';

const loadTagsDialog = () => import('../tags/TagsDialog.js').then((m) => m.TagsDialog);
const loadExportDialog = () =>
  import('../export-import/ExportConversationDialog.js').then((m) => m.ExportConversationDialog);
const loadShareDialog = () => import('../share/ShareDialog.js').then((m) => m.ShareDialog);

interface SidebarProps {
  onOpenSettings(): void;
  onOpenShortcuts(): void;
  onNewChat(): void;
  syncStatus: React.ReactNode;
  /** True until the open conversation has painted: the list is read and rendered after it. */
  deferList?: boolean;
}

export const Sidebar = forwardRef<HTMLInputElement, SidebarProps>(function Sidebar(props, searchRef) {
  const storage = useStorage();
  const projectId = useUi((s) => s.projectId);
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const search = useUi((s) => s.search);
  const setSearch = useUi((s) => s.setSearch);
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const setSidebarOpen = useUi((s) => s.setSidebarOpen);
  const openConversation = useUi((s) => s.openConversation);
  const activeId = useActiveConversationId();
  const list = useConversations(projectId, !props.deferList);
  // A thousand rows take a while to render: React renders them in the
  // background, and keeps the page responsive meanwhile. The list of the
  // project just left is never shown for the new one.
  const listed = useMemo(() => ({ projectId, data: list.data }), [projectId, list.data]);
  const deferred = useDeferredValue(listed);
  const conversations = deferred.projectId === projectId ? deferred.data : undefined;
  const isPending = conversations === undefined && !list.isError;
  const [toDelete, setToDelete] = useState<Conversation | undefined>();
  // The warning counts what goes: every message of every version, not only the branch shown.
  const toDeleteTree = useConversationTree(toDelete?.id ?? '', !!toDelete);
  const [toExport, setToExport] = useState<Conversation | undefined>();
  const ExportConversationDialog = useLazyDialog(loadExportDialog, toExport !== undefined, () =>
    setToExport(undefined),
  );
  const [toTag, setToTag] = useState<Conversation | undefined>();
  const TagsDialog = useLazyDialog(loadTagsDialog, toTag !== undefined, () => setToTag(undefined));
  const tagFilter = useTagFilter(projectId);
  const [toShare, setToShare] = useState<Conversation | undefined>();
  const ShareDialog = useLazyDialog(loadShareDialog, toShare !== undefined, () => setToShare(undefined));
  const [actionError, setActionError] = useState<string | undefined>();
  const syncing = useSyncSettings((s) => s.enabled && !!s.account);
  const [toMove, setToMove] = useState<Conversation | undefined>();
  const [dragging, setDragging] = useState(false);
  useSearchIndexLifecycle();
  // On a phone the open sidebar is a drawer over the chat: it holds focus until closed.
  const asideRef = useRef<HTMLElement>(null);
  const phone = useMediaQuery(PHONE_LAYOUT);
  const closeDrawer = useCallback(() => setSidebarOpen(false), [setSidebarOpen]);
  useFocusTrap(asideRef, phone && sidebarOpen, closeDrawer);

  const visible = useMemo(
    () =>
      (conversations ?? []).filter(
        (c) =>
          (view === 'archived' ? c.archived : !c.archived) &&
          (!search || matchesTitle(c, search)) &&
          hasEveryTag(c, tagFilter),
      ),
    [conversations, view, search, tagFilter],
  );
  const groups = useMemo(
    () =>
      view === 'archived'
        ? [{ name: 'Archived', conversations: visible }]
        : groupConversations(visible, Date.now()),
    [visible, view],
  );
  const archivedCount = conversations?.filter((c) => c.archived).length ?? 0;

  const run = (action: Promise<unknown>) =>
    action.catch((e: unknown) => setActionError(e instanceof Error ? e.message : String(e)));

  const confirmDelete = async () => {
    const c = toDelete;
    setToDelete(undefined);
    if (!c) return;
    await run(storage.deleteConversation(c.id));
    viewMemory().forget(c.id);
    if (c.id === activeId) openConversation(null);
  };

  return (
    <aside ref={asideRef} className={sidebarOpen ? 'sidebar open' : 'sidebar'} aria-label="Sidebar">
      <div className="sidebar-top">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Chatkeep
          <button
            type="button"
            className="icon-button sidebar-close"
            aria-label="Hide conversations"
            onClick={() => setSidebarOpen(false)}
          >
            ×
          </button>
        </div>
        <ProjectSwitcher />
        {dragging && (
          <ProjectDropTargets
            projectId={projectId}
            onDone={() => setDragging(false)}
            onError={setActionError}
          />
        )}
        <button type="button" className="primary-button new-chat" onClick={props.onNewChat}>
          New chat
        </button>
        <input
          ref={searchRef}
          type="search"
          className="search"
          aria-label="Search conversations"
          placeholder="Search conversations"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {search && <SearchFilters projectId={projectId} />}
        <fieldset className="view-switch" aria-label="Which conversations">
          <button type="button" aria-pressed={view === 'chats'} onClick={() => setView('chats')}>
            Chats
          </button>
          <button type="button" aria-pressed={view === 'archived'} onClick={() => setView('archived')}>
            Archived{archivedCount ? ` (${archivedCount})` : ''}
          </button>
        </fieldset>
        <TagFilter projectId={projectId} conversations={conversations} />
      </div>
      {actionError && (
        <p className="sidebar-error" role="alert">
          {actionError}{' '}
          <button type="button" className="link-button" onClick={() => setActionError(undefined)}>
            Dismiss
          </button>
        </p>
      )}
      <nav
        className="conversation-nav"
        aria-label="Conversations"
        // Shown a moment after the drag starts: changing the page during dragstart would cancel the drag.
        onDragStart={() => setTimeout(() => setDragging(true), 0)}
        onDragEnd={() => setDragging(false)}
      >
        {isPending ? (
          <div className="skeleton-nav" aria-hidden="true">
            <div className="skeleton" />
            <div className="skeleton" />
            <div className="skeleton" />
          </div>
        ) : groups.length === 0 || visible.length === 0 ? (
          <p className="muted nav-empty">
            {search
              ? 'No conversation title matches.'
              : tagFilter.length
                ? 'No conversation here has every chosen tag.'
                : view === 'archived'
                  ? 'Nothing archived.'
                  : 'No conversations yet.'}
          </p>
        ) : (
          groups.map((group) => (
            <section key={group.name} className="conversation-group" aria-label={group.name}>
              <h2>{group.name}</h2>
              <ul>
                {group.conversations.map((c) => (
                  <ConversationItem
                    key={c.id}
                    conversation={c}
                    active={c.id === activeId}
                    onOpen={() => openConversation(c.id)}
                    onRename={(title) => void run(storage.updateConversation(c.id, { title }))}
                    onTogglePin={() => void run(storage.updateConversation(c.id, { pinned: !c.pinned }))}
                    onToggleArchive={() => {
                      void run(storage.updateConversation(c.id, { archived: !c.archived }));
                      if (!c.archived && c.id === activeId) openConversation(null);
                    }}
                    onExport={() => setToExport(c)}
                    onEditTags={() => setToTag(c)}
                    onShare={() => setToShare(c)}
                    onMove={() => setToMove(c)}
                    onDelete={() => setToDelete(c)}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
        {search && <ContentResults projectId={projectId} query={search} />}
      </nav>
      <footer className="sidebar-footer">
        {props.syncStatus}
        <div className="footer-buttons">
          <button type="button" className="ghost-button" onClick={props.onOpenShortcuts}>
            Keyboard shortcuts
          </button>
          <button type="button" className="ghost-button" onClick={props.onOpenSettings}>
            Settings
          </button>
        </div>
      </footer>
      {TagsDialog && toTag && <TagsDialog conversation={toTag} onClose={() => setToTag(undefined)} />}
      {toMove && <MoveConversationDialog conversation={toMove} onClose={() => setToMove(undefined)} />}
      {ExportConversationDialog && (
        <ExportConversationDialog conversation={toExport} onClose={() => setToExport(undefined)} />
      )}
      {ShareDialog && <ShareDialog conversation={toShare} onClose={() => setToShare(undefined)} />}
      <Dialog
        title="Delete conversation?"
        open={!!toDelete}
        onClose={() => setToDelete(undefined)}
        footer={
          <>
            <button type="button" className="ghost-button" onClick={() => setToDelete(undefined)}>
              Cancel
            </button>
            <button type="button" className="danger-button" onClick={() => void confirmDelete()}>
              Delete
            </button>
          </>
        }
      >
        <p>{toDelete && deleteWarning(toDelete, toDeleteTree.data?.length, syncing)}</p>
      </Dialog>
    </aside>
  );
});
