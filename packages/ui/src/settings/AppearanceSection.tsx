import { THEME_CHOICES, useTheme } from './theme.js';

/** Settings › Appearance: the theme, applied as soon as it is chosen (no Save needed). */
export function AppearanceSection() {
  const theme = useTheme((s) => s.theme);
  const setTheme = useTheme((s) => s.setTheme);
  return (
    <fieldset className="theme-choice">
      <legend>Theme</legend>
      {THEME_CHOICES.map(({ value, label }) => (
        <label key={value} className="radio">
          <input type="radio" name="theme" checked={theme === value} onChange={() => setTheme(value)} />
          <span>{label}</span>
        </label>
      ))}
      <p className="muted">System follows your device's light or dark setting. Kept in this browser.</p>
    </fieldset>
  );
}
