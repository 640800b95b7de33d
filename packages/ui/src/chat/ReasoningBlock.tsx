import { Markdown } from './Markdown.js';

/**
 * The reasoning an answer came with (ChatGPT's thoughts, an AI SDK reasoning
 * part), folded away under "Reasoning" so the answer reads first.
 */
export function ReasoningBlock({ reasoning, recap }: { reasoning?: unknown; recap?: unknown }) {
  const text = typeof reasoning === 'string' ? reasoning : '';
  const summary = typeof recap === 'string' ? recap : '';
  if (!text && !summary) return null;
  return (
    <details className="reasoning-block">
      <summary>Reasoning</summary>
      <div className="reasoning-body">
        {summary && <p className="reasoning-recap">{summary}</p>}
        {text && <Markdown text={text} />}
      </div>
    </details>
  );
}
