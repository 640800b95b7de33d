// Rename and delete for the open project. Deleting says how many
// conversations and messages go, and offers to move them to another project.

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useConversations, useProjectRecords } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { DEFAULT_PROJECT, useUi } from '../data/ui-store.js';
import { useSyncSettings } from '../sync/sync-service.js';
import { Dialog } from '../ui-kit/Dialog.js';
import { projectDeleteWarning, projectName } from './names.js';
import { ProjectNameDialog } from './ProjectNameDialog.js';
import { ProjectSelect } from './ProjectSelect.js';

export function ProjectActions({ projectId }: { projectId: string }) {
  const storage = useStorage();
  const projects = useProjectRecords();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const name = projectName(projects, projectId);

  return (
    <div className="project-actions">
      <button type="button" className="link-button" onClick={() => setRenaming(true)}>
        Rename project
      </button>
      <button type="button" className="link-button" onClick={() => setDeleting(true)}>
        Delete project
      </button>
      {renaming && (
        <ProjectNameDialog
          title="Rename project"
          submitLabel="Rename"
          initial={name}
          onClose={() => setRenaming(false)}
          onSubmit={async (next) => {
            await storage.saveProject({ id: projectId, name: next });
            setRenaming(false);
          }}
        />
      )}
      {deleting && <DeleteProjectDialog projectId={projectId} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function DeleteProjectDialog({ projectId, onClose }: { projectId: string; onClose(): void }) {
  const storage = useStorage();
  const projects = useProjectRecords();
  const conversations = useConversations(projectId).data;
  const syncing = useSyncSettings((s) => s.enabled && !!s.account);
  const others = (projects ?? []).filter((p) => p.id !== projectId);
  const [mode, setMode] = useState<'delete' | 'move'>('delete');
  const [moveTo, setMoveTo] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const target = mode === 'move' ? (moveTo ?? others[0]?.id) : undefined;
  // Every message of every version goes: counted, not taken from the branch shown.
  const messages = useQuery({
    queryKey: ['projects', 'delete-count', projectId, conversations?.map((c) => c.id).join()],
    queryFn: async () => {
      let total = 0;
      for (const c of conversations ?? []) total += (await storage.loadConversation(c.id)).length;
      return total;
    },
    enabled: conversations !== undefined,
    gcTime: 0,
  }).data;

  const confirm = async () => {
    try {
      await storage.deleteProject(projectId, target === undefined ? {} : { moveTo: target });
      const { setProject, activeByProject } = useUi.getState();
      const { [projectId]: _gone, ...rest } = activeByProject;
      useUi.setState({ activeByProject: rest });
      setProject(target ?? others[0]?.id ?? DEFAULT_PROJECT);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const name = projectName(projects, projectId);
  return (
    <Dialog
      title="Delete project?"
      open
      onClose={onClose}
      footer={
        <>
          <button type="button" className="ghost-button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="danger-button" onClick={() => void confirm()}>
            Delete project
          </button>
        </>
      }
    >
      <p>
        {conversations &&
          projectDeleteWarning(
            name,
            conversations.length,
            messages,
            target === undefined ? undefined : projectName(projects, target),
            syncing,
          )}
      </p>
      {conversations && conversations.length > 0 && others.length > 0 && (
        <fieldset className="field">
          <legend>Its conversations</legend>
          <label>
            <input type="radio" checked={mode === 'delete'} onChange={() => setMode('delete')} /> Delete them
          </label>
          <label>
            <input type="radio" checked={mode === 'move'} onChange={() => setMode('move')} /> Move them to
            another project
          </label>
          {mode === 'move' && (
            <ProjectSelect label="Move to project" projects={others} value={target} onChange={setMoveTo} />
          )}
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
