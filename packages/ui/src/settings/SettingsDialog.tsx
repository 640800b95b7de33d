import { useEffect, useState } from 'react';
import { SyncSection } from '../sync/SyncSection.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { AssistantFields, DiscardModelSettings, useAssistantForm } from './AssistantFields.js';
import { parseArchiveDays, useRetention } from './retention-settings.js';
import { StorageSection } from './StorageSection.js';
import { settingsSections } from './sections.js';
import './settings.css';

export function SettingsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const assistant = useAssistantForm(open);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [archiveDays, setArchiveDays] = useState(String(useRetention.getState().autoArchiveDays));
  const [archiveError, setArchiveError] = useState<string | undefined>();

  useEffect(() => {
    if (!open) return;
    setConfirmDiscard(false);
    setArchiveDays(String(useRetention.getState().autoArchiveDays));
    setArchiveError(undefined);
  }, [open]);

  // Esc, × and the backdrop ask before unsaved model settings are thrown away.
  const requestClose = () => {
    if (assistant.dirty) setConfirmDiscard(true);
    else onClose();
  };

  const save = () => {
    const archive = parseArchiveDays(archiveDays);
    if ('error' in archive) return setArchiveError(archive.error);
    setArchiveError(undefined);
    if (!assistant.save()) return;
    useRetention.getState().setAutoArchiveDays(archive.days);
    onClose();
  };

  return (
    <Dialog
      title="Settings"
      open={open}
      onClose={requestClose}
      wide
      footer={
        <>
          <button type="button" className="ghost-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="settings-form" className="primary-button">
            Save
          </button>
        </>
      }
    >
      <form
        id="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <AssistantFields state={assistant} />
        <fieldset className="settings-section">
          <legend>Auto-archive</legend>
          <label className="field">
            <span>Archive conversations untouched for this many days (0 = never)</span>
            <input
              className="settings-number"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              value={archiveDays}
              onChange={(e) => setArchiveDays(e.target.value)}
            />
          </label>
          <p className="muted">
            Checked when Chatkeep starts and once a day. Archived conversations leave the main list but are
            kept, searchable and synced; pinned ones are never archived. Applies when you press Save.
          </p>
          {archiveError && (
            <p className="field-error" role="alert">
              {archiveError}
            </p>
          )}
        </fieldset>
      </form>
      <section className="settings-section" aria-label="Sync">
        <h3>Sync</h3>
        <SyncSection />
      </section>
      <section className="settings-section" aria-label="Storage">
        <h3>Storage</h3>
        <StorageSection />
      </section>
      {settingsSections.map(({ id, title, Component }) => (
        <section key={id} className="settings-section" aria-label={title}>
          <h3>{title}</h3>
          <Component />
        </section>
      ))}
      <DiscardModelSettings
        open={open && confirmDiscard}
        onKeep={() => setConfirmDiscard(false)}
        onDiscard={() => {
          setConfirmDiscard(false);
          onClose();
        }}
      />
    </Dialog>
  );
}
