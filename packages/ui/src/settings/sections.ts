// Extra sections of the Settings dialog (sync, retention, export...). A
// feature adds itself here; the dialog renders them after the assistant choice.
import type { ComponentType } from 'react';

export interface SettingsSection {
  id: string;
  title: string;
  Component: ComponentType;
}

export const settingsSections: SettingsSection[] = [];
