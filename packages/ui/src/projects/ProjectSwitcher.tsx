import { newId } from '@chatkeep/storage';
import { useEffect, useMemo, useState } from 'react';
import { useProjectRecords } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { ProjectActions } from './ProjectActions.js';
import { ProjectNameDialog } from './ProjectNameDialog.js';

export function ProjectSwitcher() {
  const storage = useStorage();
  const projectId = useUi((s) => s.projectId);
  const known = useUi((s) => s.knownProjects);
  const setProject = useUi((s) => s.setProject);
  const stored = useProjectRecords();
  const [creating, setCreating] = useState(false);

  // Projects made here before projects had records (remembered by this page only) get one, named after the id.
  useEffect(() => {
    if (!stored) return;
    const missing = known.filter((id) => !stored.some((p) => p.id === id));
    if (missing.length === 0) return;
    void Promise.allSettled(missing.map((id) => storage.saveProject({ id, name: id }))).then(() =>
      useUi.setState({ knownProjects: [] }),
    );
  }, [known, stored, storage]);

  const projects = useMemo(() => {
    const list = (stored ?? []).map((p) => ({ id: p.id, name: p.name }));
    // The open project is listed while its record is on its way (a new, still empty one).
    if (!list.some((p) => p.id === projectId)) list.push({ id: projectId, name: projectId });
    return list;
  }, [stored, projectId]);

  return (
    <div className="project-switcher">
      <label className="field-label" htmlFor="project-select">
        Project
      </label>
      <div className="project-row">
        <select id="project-select" value={projectId} onChange={(e) => setProject(e.target.value)}>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button type="button" className="ghost-button" onClick={() => setCreating(true)}>
          New project
        </button>
      </div>
      <ProjectActions projectId={projectId} />
      {creating && (
        <ProjectNameDialog
          title="New project"
          submitLabel="Create"
          initial=""
          hint="Each project keeps its own conversations."
          onClose={() => setCreating(false)}
          onSubmit={async (name) => {
            const project = await storage.saveProject({ id: newId(), name });
            setCreating(false);
            setProject(project.id);
          }}
        />
      )}
    </div>
  );
}
