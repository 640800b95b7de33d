// Settings section "Export and import": download the current project or
// everything, and bring in conversations from a file. A Chatkeep export of
// several projects asks first whether to keep its projects or put
// everything into the current one.
import {
  type ExportFormat,
  type ImportResult,
  importConversations,
  projectsInImport,
} from '@chatkeep/storage';
import { useId, useState } from 'react';
import { useStorage } from '../data/storage-context.js';
import { useUi } from '../data/ui-store.js';
import { downloadExport } from './download.js';
import { errorMessage } from './errors.js';
import { FormatChoice } from './FormatChoice.js';
import { ImportReport } from './ImportReport.js';
import './data.css';

type Scope = 'project' | 'all';
/** Where a file of several projects goes: its own projects, or the current one. */
type Destination = 'keep' | 'current';

const formatSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1 << 20
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1 << 20)).toFixed(1)} MB`;

export function ExportImportSection() {
  const storage = useStorage();
  const projectId = useUi((s) => s.projectId);
  const [scope, setScope] = useState<Scope>('project');
  const [format, setFormat] = useState<ExportFormat>('json');
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | undefined>();
  const [exportError, setExportError] = useState<string | undefined>();
  const [importing, setImporting] = useState(false);
  const [report, setReport] = useState<{ result: ImportResult; fileName: string; projectId: string }>();
  const [importError, setImportError] = useState<string | undefined>();
  /** A file of several projects, waiting for the user to say where it goes. */
  const [pending, setPending] = useState<{ file: File; projects: string[] }>();
  const [destination, setDestination] = useState<Destination>('keep');
  const fileId = useId();

  const runExport = async () => {
    setExporting(true);
    setExported(undefined);
    setExportError(undefined);
    try {
      const { fileName, size } = await downloadExport(storage, {
        format,
        projectId: scope === 'project' ? projectId : undefined,
      });
      setExported(`Downloaded ${fileName} (${formatSize(size)}).`);
    } catch (e) {
      setExportError(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  /** `projects`: the file's projects, when they are kept. */
  const runImport = async (file: File, into: Destination, projects: string[] = []) => {
    setImporting(true);
    setPending(undefined);
    setReport(undefined);
    setImportError(undefined);
    try {
      // The file itself, not its text: a zip is read entry by entry, a large file in pieces.
      const result = await importConversations(storage, file, {
        projectId: into === 'keep' ? undefined : projectId,
      });
      setReport({
        result,
        fileName: file.name,
        projectId: into === 'keep' ? projects.join(', ') : projectId,
      });
    } catch (e) {
      setImportError(`${file.name} was not imported: ${errorMessage(e)}`);
    } finally {
      setImporting(false);
    }
  };

  const pickFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    // The same file may be picked again (after freeing space, say).
    input.value = '';
    if (!file) return;
    const projects = await projectsInImport(file);
    if (projects.length > 1) {
      setDestination('keep');
      setReport(undefined);
      setImportError(undefined);
      setPending({ file, projects });
    } else {
      await runImport(file, 'current');
    }
  };

  return (
    <div className="data-section">
      <fieldset className="data-choice">
        <legend>Export</legend>
        <label className="radio">
          <input
            type="radio"
            name="export-scope"
            checked={scope === 'project'}
            onChange={() => setScope('project')}
          />
          <span>
            This project (<strong>{projectId}</strong>)
          </span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name="export-scope"
            checked={scope === 'all'}
            onChange={() => setScope('all')}
          />
          <span>All projects</span>
        </label>
      </fieldset>
      <FormatChoice name="export-format" value={format} onChange={setFormat} />
      <button type="button" className="primary-button" disabled={exporting} onClick={() => void runExport()}>
        {exporting ? 'Preparing export…' : 'Export'}
      </button>
      {exported && (
        <p className="muted" role="status">
          {exported}
        </p>
      )}
      {exportError && (
        <p className="field-error" role="alert">
          {exportError}
        </p>
      )}

      <h4>Import</h4>
      <p className="muted">
        A Chatkeep JSON export, the zip or conversations.json from ChatGPT’s or Claude.ai’s “Export data”, an
        Open WebUI chat export, or a JSON array of AI SDK messages. Conversations go into project{' '}
        <strong>{projectId}</strong> (a Chatkeep export of several projects lets you keep them); importing the
        same file twice adds nothing.
      </p>
      <label className="field" htmlFor={fileId}>
        <span>Import file</span>
        <input
          id={fileId}
          type="file"
          accept=".json,.zip,application/json,application/zip"
          disabled={importing}
          onChange={(e) => void pickFile(e.currentTarget)}
        />
      </label>
      {pending && (
        <fieldset className="data-choice">
          <legend>
            {pending.file.name} holds {pending.projects.length} projects ({pending.projects.join(', ')})
          </legend>
          <label className="radio">
            <input
              type="radio"
              name="import-destination"
              checked={destination === 'keep'}
              onChange={() => setDestination('keep')}
            />
            <span>Keep the projects in the file</span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="import-destination"
              checked={destination === 'current'}
              onChange={() => setDestination('current')}
            />
            <span>Put everything in {projectId}</span>
          </label>
          <div className="data-buttons">
            <button
              type="button"
              className="primary-button"
              onClick={() => void runImport(pending.file, destination, pending.projects)}
            >
              Import
            </button>
            <button type="button" className="ghost-button" onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
      {importing && (
        <p className="muted" role="status">
          Importing…
        </p>
      )}
      {report && <ImportReport {...report} />}
      {importError && (
        <p className="field-error" role="alert">
          {importError}
        </p>
      )}
    </div>
  );
}
