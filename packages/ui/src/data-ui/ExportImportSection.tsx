// Settings section "Export and import": download the current project or
// everything, and bring in conversations from a file.
import { type ExportFormat, type ImportResult, importConversations } from '@chatkeep/storage';
import { useId, useState } from 'react';
import { useStorage } from '../app/storage-context.js';
import { useUi } from '../app/ui-store.js';
import { downloadExport } from './download.js';
import { errorMessage } from './errors.js';
import { FormatChoice } from './FormatChoice.js';
import { ImportReport } from './ImportReport.js';
import './data.css';

type Scope = 'project' | 'all';

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

  const runImport = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setImporting(true);
    setReport(undefined);
    setImportError(undefined);
    try {
      const result = await importConversations(storage, await file.text(), { projectId });
      setReport({ result, fileName: file.name, projectId });
    } catch (e) {
      setImportError(`${file.name} was not imported: ${errorMessage(e)}`);
    } finally {
      setImporting(false);
      // The same file may be picked again (after freeing space, say).
      input.value = '';
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
        A Chatkeep JSON export, ChatGPT’s conversations.json (from “Export data”), or a JSON array of AI SDK
        messages. Conversations go into project <strong>{projectId}</strong>; importing the same file twice
        adds nothing.
      </p>
      <label className="field" htmlFor={fileId}>
        <span>Import file</span>
        <input
          id={fileId}
          type="file"
          accept=".json,application/json"
          disabled={importing}
          onChange={(e) => void runImport(e.currentTarget)}
        />
      </label>
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
