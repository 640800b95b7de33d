import { useEffect, useState } from 'react';
import { Dialog } from '../components/Dialog.js';
import { SyncSection } from '../sync-ui/SyncSection.js';
import { ENDPOINT_PRESETS, type EndpointFields, useAssistantSettings } from './assistant-settings.js';
import { parseArchiveDays, useRetention } from './retention-settings.js';
import { StorageSection } from './StorageSection.js';
import { settingsSections } from './sections.js';

export function SettingsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const saved = useAssistantSettings();
  const [kind, setKind] = useState(saved.kind);
  const [endpoint, setEndpoint] = useState<EndpointFields>(saved.endpoint);
  const [error, setError] = useState<string | undefined>();
  const [archiveDays, setArchiveDays] = useState(String(useRetention.getState().autoArchiveDays));
  const [archiveError, setArchiveError] = useState<string | undefined>();

  useEffect(() => {
    if (!open) return;
    const s = useAssistantSettings.getState();
    setKind(s.kind);
    setEndpoint(s.endpoint);
    setError(undefined);
    setArchiveDays(String(useRetention.getState().autoArchiveDays));
    setArchiveError(undefined);
  }, [open]);

  const set = (patch: Partial<EndpointFields>) => setEndpoint((e) => ({ ...e, ...patch }));

  const save = () => {
    const archive = parseArchiveDays(archiveDays);
    if ('error' in archive) return setArchiveError(archive.error);
    setArchiveError(undefined);
    if (kind === 'openai') {
      try {
        const url = new URL(endpoint.baseURL);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      } catch {
        return setError('The base URL must be an http(s) address, such as http://localhost:11434/v1.');
      }
      if (!endpoint.model.trim()) return setError('Name the model to use, such as gpt-4o-mini or llama3.2.');
    }
    saved.save(kind, { ...endpoint, baseURL: endpoint.baseURL.trim(), model: endpoint.model.trim() });
    useRetention.getState().setAutoArchiveDays(archive.days);
    onClose();
  };

  return (
    <Dialog
      title="Settings"
      open={open}
      onClose={onClose}
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
        <fieldset className="settings-section">
          <legend>Assistant</legend>
          <label className="radio">
            <input type="radio" name="assistant" checked={kind === 'demo'} onChange={() => setKind('demo')} />
            <span>
              <strong>Demo assistant</strong> — offline and scripted, no account needed. Good for trying
              Chatkeep.
            </span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="assistant"
              checked={kind === 'openai'}
              onChange={() => setKind('openai')}
            />
            <span>
              <strong>OpenAI-compatible endpoint</strong> — OpenAI, Ollama, LM Studio, vLLM or any server with
              the chat completions API.
            </span>
          </label>
          {kind === 'openai' && (
            <div className="endpoint-fields">
              <fieldset className="presets">
                <legend className="visually-hidden">Presets</legend>
                {ENDPOINT_PRESETS.map((p) => (
                  <button
                    key={p.name}
                    type="button"
                    className="chip"
                    onClick={() => set({ baseURL: p.baseURL, model: p.model })}
                  >
                    {p.name}
                  </button>
                ))}
              </fieldset>
              <label className="field">
                <span>Base URL</span>
                <input
                  type="url"
                  value={endpoint.baseURL}
                  onChange={(e) => set({ baseURL: e.target.value })}
                  placeholder="https://api.openai.com/v1"
                />
              </label>
              <label className="field">
                <span>API key</span>
                <input
                  type="password"
                  autoComplete="off"
                  value={endpoint.apiKey}
                  onChange={(e) => set({ apiKey: e.target.value })}
                  placeholder="Not needed for local servers"
                />
              </label>
              <label className="field">
                <span>Model</span>
                <input value={endpoint.model} onChange={(e) => set({ model: e.target.value })} />
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={endpoint.tools}
                  onChange={(e) => set({ tools: e.target.checked })}
                />
                <span>
                  Let the model use the calculator and clock tools (turn off for models without tool support)
                </span>
              </label>
              <p className="muted">
                The key is kept in this browser only and sent only to this endpoint. Local servers must allow
                requests from this page (for Ollama, set <code>OLLAMA_ORIGINS</code>).
              </p>
            </div>
          )}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </fieldset>
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
    </Dialog>
  );
}
