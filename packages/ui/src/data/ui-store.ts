// UI state that is not history: the open project and conversation, the
// sidebar view and search. Remembered across reloads in localStorage.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export const DEFAULT_PROJECT = 'default';

export interface UiState {
  projectId: string;
  /** Projects created here; storage lists only projects that hold conversations. */
  knownProjects: string[];
  /** The conversation open in each project; null is a new, unsaved chat. */
  activeByProject: Record<string, string | null>;
  view: 'chats' | 'archived';
  search: string;
  sidebarOpen: boolean;
  setProject(projectId: string): void;
  addProject(projectId: string): void;
  openConversation(id: string | null): void;
  /** The open conversation is in another project now (moved here, on another device, or opened by link): go with it. */
  followConversation(id: string, projectId: string): void;
  setView(view: 'chats' | 'archived'): void;
  setSearch(search: string): void;
  setSidebarOpen(open: boolean): void;
}

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      projectId: DEFAULT_PROJECT,
      knownProjects: [DEFAULT_PROJECT],
      activeByProject: {},
      view: 'chats',
      search: '',
      sidebarOpen: false,
      setProject: (projectId) => set({ projectId, search: '', view: 'chats' }),
      addProject: (projectId) =>
        set((s) => ({
          knownProjects: s.knownProjects.includes(projectId)
            ? s.knownProjects
            : [...s.knownProjects, projectId],
          projectId,
          search: '',
          view: 'chats',
        })),
      openConversation: (id) =>
        set((s) => ({ activeByProject: { ...s.activeByProject, [s.projectId]: id }, sidebarOpen: false })),
      followConversation: (id, projectId) =>
        set((s) => {
          if (s.projectId === projectId) return s;
          // The project left no longer shows it: it opens on a new chat.
          const activeByProject = { ...s.activeByProject, [projectId]: id };
          if (activeByProject[s.projectId] === id) activeByProject[s.projectId] = null;
          return { projectId, activeByProject, search: '', view: 'chats' as const };
        }),
      setView: (view) => set({ view }),
      setSearch: (search) => set({ search }),
      setSidebarOpen: (sidebarOpen) => set({ sidebarOpen }),
    }),
    {
      name: 'chatkeep-ui',
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({
        projectId: s.projectId,
        knownProjects: s.knownProjects,
        activeByProject: s.activeByProject,
      }),
    },
  ),
);

export const useActiveConversationId = () => useUi((s) => s.activeByProject[s.projectId] ?? null);
