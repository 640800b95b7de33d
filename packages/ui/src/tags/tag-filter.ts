// The sidebar's tag filter: which tags the conversation list must carry.
// Kept per project (a tag of one project means nothing in another), for
// this page only.
import { tagKey } from '@chatkeep/storage';
import { create } from 'zustand';

interface TagFilterState {
  byProject: Record<string, string[]>;
  toggle(projectId: string, tag: string): void;
  clear(projectId: string): void;
}

export const useTagFilterStore = create<TagFilterState>()((set) => ({
  byProject: {},
  toggle: (projectId, tag) =>
    set((s) => {
      const current = s.byProject[projectId] ?? [];
      const key = tagKey(tag);
      const next = current.some((t) => tagKey(t) === key)
        ? current.filter((t) => tagKey(t) !== key)
        : [...current, tag];
      return { byProject: { ...s.byProject, [projectId]: next } };
    }),
  clear: (projectId) => set((s) => ({ byProject: { ...s.byProject, [projectId]: [] } })),
}));

const NONE: string[] = [];

/** The tags chosen for this project's list (empty: no filter). */
export function useTagFilter(projectId: string): string[] {
  return useTagFilterStore((s) => s.byProject[projectId] ?? NONE);
}
