// Extra sections of the Settings dialog (sync, retention, export...). A
// feature adds itself here; the dialog renders them after the assistant choice.
import type { ComponentType } from 'react';
import { ExportImportSection } from '../export-import/ExportImportSection.js';
import { SharedLinksSection } from '../share/SharedLinksSection.js';
import { UsageSection } from '../usage/UsageSection.js';
import { AppearanceSection } from './AppearanceSection.js';

export interface SettingsSection {
  id: string;
  title: string;
  Component: ComponentType;
}

export const settingsSections: SettingsSection[] = [];

settingsSections.push({ id: 'appearance', title: 'Appearance', Component: AppearanceSection });
settingsSections.push({ id: 'export-import', title: 'Export and import', Component: ExportImportSection });
settingsSections.push({ id: 'usage', title: 'Usage', Component: UsageSection });
settingsSections.push({ id: 'shared-links', title: 'Shared links', Component: SharedLinksSection });
