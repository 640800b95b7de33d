import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppearanceSection } from './AppearanceSection.js';
import { resolveTheme, startTheme, THEME_KEY, useTheme } from './theme.js';

describe('theme setting', () => {
  beforeEach(() => {
    useTheme.getState().setTheme('system');
    startTheme();
  });

  it('System follows the device; Light and Dark override it', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('applies a choice at once, without Save, and keeps it in this browser', () => {
    render(<AppearanceSection />);
    const group = screen.getByRole('group', { name: 'Theme' });
    expect(group).toBeTruthy();
    expect((screen.getByRole('radio', { name: 'System' }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(JSON.parse(localStorage.getItem(THEME_KEY) ?? '{}').state.theme).toBe('dark');

    fireEvent.click(screen.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(JSON.parse(localStorage.getItem(THEME_KEY) ?? '{}').state.theme).toBe('light');
    expect((screen.getByRole('radio', { name: 'Light' }) as HTMLInputElement).checked).toBe(true);
  });

  it('reads the stored choice back, and falls back to System for an unknown value', async () => {
    localStorage.setItem(THEME_KEY, JSON.stringify({ state: { theme: 'dark' }, version: 0 }));
    await useTheme.persist.rehydrate();
    expect(useTheme.getState().theme).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    localStorage.setItem(THEME_KEY, JSON.stringify({ state: { theme: 'sepia' }, version: 0 }));
    await useTheme.persist.rehydrate();
    expect(useTheme.getState().theme).toBe('system');
  });
});
