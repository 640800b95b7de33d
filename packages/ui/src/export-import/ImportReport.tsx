import type { ImportResult } from '@chatkeep/storage';

const FORMAT_NAME: Partial<Record<ImportResult['format'], string>> = {
  chatkeep: 'Chatkeep export',
  chatgpt: 'ChatGPT export',
  claude: 'Claude.ai export',
  'open-webui': 'Open WebUI export',
  'ai-sdk': 'AI SDK messages',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What an import saved; what it could not show as the other app did, counted
 * per kind and listed per conversation; and each item it left out with the reason.
 */
export function ImportReport({
  result,
  fileName,
  projectId,
}: {
  result: ImportResult;
  fileName: string;
  projectId: string;
}) {
  const { counts, conversations } = result.report;
  return (
    <div className="import-report" role="status" aria-label="Import report">
      <p>
        <strong>
          Imported {plural(result.conversations, 'conversation')} and {plural(result.messages, 'message')}
        </strong>{' '}
        from {fileName} ({FORMAT_NAME[result.format] ?? result.format}) into project {projectId}.
      </p>
      {counts.length > 0 && (
        <ul className="import-counts" aria-label="Kept differently">
          {counts.map((c) => (
            <li key={c.kind}>{c.text}</li>
          ))}
        </ul>
      )}
      {conversations.length > 0 && (
        <details className="import-notes">
          <summary>Details per conversation ({conversations.length})</summary>
          {conversations.map((c) => (
            <section key={c.conversationId} aria-label={c.title || c.conversationId}>
              <h5>{c.title || <code>{c.conversationId}</code>}</h5>
              <ul>
                {c.notes.map((note, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: several notes may share a message, or have none
                  <li key={i}>{note.text}</li>
                ))}
              </ul>
            </section>
          ))}
        </details>
      )}
      {result.skipped.length > 0 && (
        <>
          <p>{plural(result.skipped.length, 'item')} skipped:</p>
          <ul className="import-skipped" aria-label="Skipped">
            {result.skipped.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: several skipped items may share an id, or have none
              <li key={i}>
                {item.id && <code>{item.id}</code>} {item.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
