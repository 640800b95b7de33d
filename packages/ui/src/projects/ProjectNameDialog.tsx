// Asks for a project name (new project, rename); storage decides what a
// valid name is and its message is shown as it is.
import { useState } from 'react';
import { Dialog } from '../ui-kit/Dialog.js';

interface ProjectNameDialogProps {
  title: string;
  submitLabel: string;
  initial: string;
  hint?: string;
  onClose(): void;
  /** Rejects with the reason to show (a bad or taken name). */
  onSubmit(name: string): Promise<void>;
}

export function ProjectNameDialog(props: ProjectNameDialogProps) {
  const [name, setName] = useState(props.initial);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    try {
      await props.onSubmit(name);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={props.title}
      open
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="project-name-form" className="primary-button" disabled={busy}>
            {props.submitLabel}
          </button>
        </>
      }
    >
      <form
        id="project-name-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Project name</span>
          <input
            autoFocus
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError(undefined);
            }}
          />
        </label>
        {props.hint && <p className="muted">{props.hint}</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
