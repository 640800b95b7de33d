import { useMemo, useState } from 'react';
import { useProjects } from '../app/queries.js';
import { useUi } from '../app/ui-store.js';
import { Dialog } from './Dialog.js';

export function ProjectSwitcher() {
  const projectId = useUi((s) => s.projectId);
  const known = useUi((s) => s.knownProjects);
  const setProject = useUi((s) => s.setProject);
  const addProject = useUi((s) => s.addProject);
  const stored = useProjects();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();

  const projects = useMemo(
    () => [...new Set([...known, ...(stored ?? []), projectId])].sort((a, b) => a.localeCompare(b)),
    [known, stored, projectId],
  );

  const create = () => {
    const trimmed = name.trim();
    if (!trimmed) return setError('Give the project a name.');
    if (trimmed.length > 100) return setError('Use at most 100 characters.');
    if (projects.includes(trimmed)) return setError(`A project named “${trimmed}” already exists.`);
    addProject(trimmed);
    setCreating(false);
    setName('');
    setError(undefined);
  };

  return (
    <div className="project-switcher">
      <label className="field-label" htmlFor="project-select">
        Project
      </label>
      <div className="project-row">
        <select id="project-select" value={projectId} onChange={(e) => setProject(e.target.value)}>
          {projects.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="button" className="ghost-button" onClick={() => setCreating(true)}>
          New project
        </button>
      </div>
      <Dialog
        title="New project"
        open={creating}
        onClose={() => setCreating(false)}
        footer={
          <>
            <button type="button" className="ghost-button" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" form="new-project-form" className="primary-button">
              Create
            </button>
          </>
        }
      >
        <form
          id="new-project-form"
          onSubmit={(e) => {
            e.preventDefault();
            create();
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
          <p className="muted">Each project keeps its own conversations.</p>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </Dialog>
    </div>
  );
}
