// The model part of Settings: which assistant answers, the endpoint with its
// own key, model (typed, or picked from the endpoint's list), system prompt,
// temperature and max tokens, "Test connection", and how many messages the
// model is sent. The dialog's Save button saves it through `useAssistantForm`.
import { useEffect, useState } from 'react';
import { ENDPOINT_PRESETS, useAssistantSettings } from '../assistants/assistant-settings.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { checkEndpoint, type EndpointCheck } from './endpoint-check.js';
import {
  type AssistantForm,
  formFromSettings,
  hasUnsavedChanges,
  parseAssistantForm,
  switchEndpoint,
} from './endpoint-form.js';
import './settings.css';

export interface AssistantFormState {
  form: AssistantForm;
  set(patch: Partial<AssistantForm>): void;
  /** Changes the base URL (typed or a preset): the key and settings follow the endpoint. */
  setBaseURL(baseURL: string, preset?: { model: string }): void;
  error?: string;
  dirty: boolean;
  /** Checks and saves; false (with `error` set) when something must be fixed first. */
  save(): boolean;
}

/** The form's state, reset from what is saved each time the dialog opens. */
export function useAssistantForm(open: boolean): AssistantFormState {
  const [form, setForm] = useState(() => formFromSettings(useAssistantSettings.getState()));
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!open) return;
    setForm(formFromSettings(useAssistantSettings.getState()));
    setError(undefined);
  }, [open]);

  return {
    form,
    error,
    dirty: hasUnsavedChanges(form, formFromSettings(useAssistantSettings.getState())),
    set: (patch) => setForm((f) => ({ ...f, ...patch, ...('apiKey' in patch ? { keyFrom: null } : {}) })),
    setBaseURL: (baseURL, preset) =>
      setForm((f) => switchEndpoint(f, baseURL, useAssistantSettings.getState().profiles, preset)),
    save() {
      const saved = useAssistantSettings.getState();
      const parsed = parseAssistantForm(form, saved.endpoint);
      if ('error' in parsed) {
        setError(parsed.error);
        return false;
      }
      setError(undefined);
      saved.save(parsed.kind, parsed.endpoint, parsed.contextMessages);
      return true;
    },
  };
}

export function AssistantFields({ state }: { state: AssistantFormState }) {
  const { form, set, setBaseURL, error } = state;
  const [check, setCheck] = useState<EndpointCheck | 'checking' | undefined>();
  const [models, setModels] = useState<string[]>([]);

  // Another endpoint or key: an earlier answer no longer says anything about it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the endpoint or key changes
  useEffect(() => {
    setCheck(undefined);
    setModels([]);
  }, [form.baseURL, form.apiKey]);

  const test = async () => {
    setCheck('checking');
    const result = await checkEndpoint({ baseURL: form.baseURL, apiKey: form.apiKey, model: form.model });
    setCheck(result);
    if (result.ok) setModels(result.models);
  };

  return (
    <fieldset className="settings-section">
      <legend>Assistant</legend>
      <label className="radio">
        <input
          type="radio"
          name="assistant"
          checked={form.kind === 'demo'}
          onChange={() => set({ kind: 'demo' })}
        />
        <span>
          <strong>Demo assistant</strong> — offline and scripted, no account needed. Good for trying Chatkeep.
        </span>
      </label>
      <label className="radio">
        <input
          type="radio"
          name="assistant"
          checked={form.kind === 'openai'}
          onChange={() => set({ kind: 'openai' })}
        />
        <span>
          <strong>OpenAI-compatible endpoint</strong> — OpenAI, Ollama, LM Studio, vLLM or any server with the
          chat completions API.
        </span>
      </label>
      {form.kind === 'openai' && (
        <div className="endpoint-fields">
          <fieldset className="presets">
            <legend className="visually-hidden">Presets</legend>
            {ENDPOINT_PRESETS.map((p) => (
              <button key={p.name} type="button" className="chip" onClick={() => setBaseURL(p.baseURL, p)}>
                {p.name}
              </button>
            ))}
          </fieldset>
          <label className="field">
            <span>Base URL</span>
            <input
              type="url"
              value={form.baseURL}
              onChange={(e) => setBaseURL(e.target.value)}
              placeholder="https://api.openai.com/v1"
            />
          </label>
          <label className="field">
            <span>API key</span>
            <input
              type="password"
              autoComplete="off"
              value={form.apiKey}
              onChange={(e) => set({ apiKey: e.target.value })}
              placeholder="Not needed for local servers"
            />
          </label>
          <div className="endpoint-test">
            <button
              type="button"
              className="ghost-button"
              disabled={check === 'checking'}
              onClick={() => void test()}
            >
              Test connection
            </button>
            {check && (
              <p
                className={check === 'checking' ? 'muted' : check.ok ? 'endpoint-ok' : 'field-error'}
                role="status"
                aria-label="Connection test"
              >
                {check === 'checking' ? 'Testing…' : check.message}
              </p>
            )}
          </div>
          <label className="field">
            <span>Model</span>
            <input value={form.model} onChange={(e) => set({ model: e.target.value })} />
          </label>
          {models.length > 0 && (
            <label className="field">
              <span>Models of this endpoint</span>
              <select
                value={models.includes(form.model.trim()) ? form.model.trim() : ''}
                onChange={(e) => e.target.value && set({ model: e.target.value })}
              >
                <option value="">Choose one, or type a name above</option>
                {models.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            <span>System prompt</span>
            <textarea
              rows={3}
              value={form.systemPrompt}
              onChange={(e) => set({ systemPrompt: e.target.value })}
              placeholder="Sent first in every conversation with this endpoint (optional)"
            />
          </label>
          <div className="field-row">
            <NumberField
              label="Temperature"
              decimal
              value={form.temperature}
              onChange={(temperature) => set({ temperature })}
              placeholder="Default"
            />
            <NumberField
              label="Max tokens"
              value={form.maxTokens}
              onChange={(maxTokens) => set({ maxTokens })}
              placeholder="Default"
            />
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={form.tools} onChange={(e) => set({ tools: e.target.checked })} />
            <span>
              Let the model use the calculator and clock tools (turn off for models without tool support)
            </span>
          </label>
          <p className="muted">
            The key is kept in this browser only and sent only to this endpoint; each endpoint keeps its own
            key, model and settings. Local servers must allow requests from this page (for Ollama, set{' '}
            <code>OLLAMA_ORIGINS</code>).
          </p>
        </div>
      )}
      <NumberField
        label="Messages sent with each request"
        value={form.contextMessages}
        onChange={(contextMessages) => set({ contextMessages })}
      />
      <p className="muted">
        The newest messages of the conversation go with each request; a longer conversation says so under the
        message box.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A number typed as text, kept as typed: parseAssistantForm (endpoint-form.ts) checks it on save. */
function NumberField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  decimal?: boolean;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        className="settings-number"
        inputMode={props.decimal ? 'decimal' : 'numeric'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
      />
    </label>
  );
}

/** Asked when Settings is closed with Esc, × or the backdrop while model settings are unsaved. */
export function DiscardModelSettings(props: { open: boolean; onKeep(): void; onDiscard(): void }) {
  return (
    <Dialog
      title="Discard unsaved model settings?"
      open={props.open}
      onClose={props.onKeep}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={props.onKeep}>
            Keep editing
          </button>
          <button type="button" className="danger-button" onClick={props.onDiscard}>
            Discard
          </button>
        </>
      }
    >
      <p>The changes to the assistant and model settings have not been saved.</p>
    </Dialog>
  );
}
