import type { ExportFormat } from '@chatkeep/storage';

/** JSON or Markdown, as a pair of radios named `name`. */
export function FormatChoice({
  name,
  value,
  onChange,
}: {
  name: string;
  value: ExportFormat;
  onChange(format: ExportFormat): void;
}) {
  return (
    <fieldset className="data-choice">
      <legend>Format</legend>
      <label className="radio">
        <input type="radio" name={name} checked={value === 'json'} onChange={() => onChange('json')} />
        <span>
          <strong>JSON</strong> — everything, and Chatkeep can import it again
        </span>
      </label>
      <label className="radio">
        <input
          type="radio"
          name={name}
          checked={value === 'markdown'}
          onChange={() => onChange('markdown')}
        />
        <span>
          <strong>Markdown</strong> — for reading and sharing
        </span>
      </label>
    </fieldset>
  );
}
