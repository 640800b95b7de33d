// A new chat's page. Opened from a link to a project this device does not
// have (/p/<id>), it says so instead of silently showing an empty project.
import { useProjectRecords } from '../data/queries.js';
import { DEFAULT_PROJECT } from '../data/ui-store.js';

export function Welcome({ isDemo, projectId }: { isDemo: boolean; projectId: string }) {
  const projects = useProjectRecords();
  // Unknown only once the records are read; the default project needs no record.
  const notHere =
    projects !== undefined && projectId !== DEFAULT_PROJECT && !projects.some((p) => p.id === projectId);
  return (
    <div className="empty-state">
      <h2>Start a conversation</h2>
      {notHere && (
        <p role="status">
          No project “{projectId}” is on this device: it was deleted, or made on another device (with sync on,
          it shows up here once sync brings it). A chat started here starts a new project of that name.
        </p>
      )}
      <p>
        Everything you write, and every answer as it streams, is saved on this device. It works offline too.
      </p>
      {isDemo && (
        <p className="muted">
          You are talking to the offline <strong>Demo assistant</strong>. Try “What is 12 * (7 + 5)?”, “What
          time is it?” or “Show me some markdown”.
        </p>
      )}
    </div>
  );
}
