import type { ImportResult } from '@chatkeep/storage';

const FORMAT_NAME: Partial<Record<ImportResult['format'], string>> = {
  chatkeep: 'Chatkeep export',
  chatgpt: 'ChatGPT export',
  'ai-sdk': 'AI SDK messages',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What an import saved, and each item it left out with the reason. */
export function ImportReport({
  result,
  fileName,
  projectId,
}: {
  result: ImportResult;
  fileName: string;
  projectId: string;
}) {
  return (
    <div className="import-report" role="status" aria-label="Import report">
      <p>
        <strong>
          Imported {plural(result.conversations, 'conversation')} and {plural(result.messages, 'message')}
        </strong>{' '}
        from {fileName} ({FORMAT_NAME[result.format] ?? result.format}) into project {projectId}.
      </p>
      {result.skipped.length > 0 && (
        <>
          <p>{plural(result.skipped.length, 'item')} skipped:</p>
          <ul className="import-skipped">
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
