// How long an untouched conversation stays in the main list. Kept in this
// browser's localStorage; each device decides for itself.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export const MAX_ARCHIVE_DAYS = 3650;

interface RetentionState {
  /** Archive conversations untouched for this many days; 0 never does. */
  autoArchiveDays: number;
  setAutoArchiveDays(days: number): void;
}

export const useRetention = create<RetentionState>()(
  persist(
    (set) => ({
      autoArchiveDays: 0,
      setAutoArchiveDays: (autoArchiveDays) => set({ autoArchiveDays }),
    }),
    {
      name: 'chatkeep-retention',
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ autoArchiveDays: s.autoArchiveDays }),
    },
  ),
);

/** Parses the field's text: a whole number of days, or a message saying what to enter. */
export function parseArchiveDays(text: string): { days: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { days: 0 };
  if (!/^\d+$/.test(trimmed)) {
    return { error: 'Enter a whole number of days for auto-archive (0 turns it off).' };
  }
  const days = Number(trimmed);
  if (days > MAX_ARCHIVE_DAYS) {
    return {
      error: `Auto-archive takes at most ${MAX_ARCHIVE_DAYS} days (about ten years); 0 turns it off.`,
    };
  }
  return { days };
}
