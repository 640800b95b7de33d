// The colour theme: System (follows the device), Light or Dark. Kept in this
// browser's localStorage; each device decides for itself. index.html sets the
// same attribute from the same key before anything paints, so a stored choice
// never flashes the other theme.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_KEY = 'chatkeep-theme';
export const THEME_CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const DARK_QUERY = '(prefers-color-scheme: dark)';

interface ThemeState {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

function isChoice(value: unknown): value is ThemeChoice {
  return value === 'system' || value === 'light' || value === 'dark';
}

export const useTheme = create<ThemeState>()(
  persist(
    (set) => ({
      theme: 'system',
      setTheme: (theme) => set({ theme }),
    }),
    {
      name: THEME_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ theme: s.theme }),
      // A value written by hand or by a newer version falls back to System.
      merge: (persisted, current) => {
        const theme = (persisted as { theme?: unknown } | undefined)?.theme;
        return { ...current, theme: isChoice(theme) ? theme : 'system' };
      },
    },
  ),
);

/** The theme shown for a choice: System is the device's preference. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches;
}

function apply(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolveTheme(choice, prefersDark());
}

let started = false;

/**
 * Applies the stored theme now, and every choice and (under System) every
 * change of the device's setting from then on. Called once at start.
 */
export function startTheme(): void {
  if (started) return;
  started = true;
  apply(useTheme.getState().theme);
  useTheme.subscribe((state) => apply(state.theme));
  if (typeof matchMedia === 'function') {
    matchMedia(DARK_QUERY).addEventListener('change', () => apply(useTheme.getState().theme));
  }
}
