// Open WebUI stores a reasoning model's thinking inside the answer's text:
// `<details type="reasoning" done="true" duration="3"><summary>Thought for 3
// seconds</summary>\n> line\n> line\n</details>` (each line quoted), and
// older versions leave the model's raw `<think>...</think>`. Chatkeep keeps
// that text as the answer's reasoning (shown folded under "Reasoning") and
// the answer without it, instead of showing the markup as text.

export interface SplitReasoning {
  /** The answer without its reasoning blocks. */
  content: string;
  /** The blocks' text, unquoted; absent when there were none. */
  reasoning?: string;
  /** The first block's summary ("Thought for 3 seconds"). */
  recap?: string;
}

const DETAILS = /<details\b[^>]*\btype=["']reasoning["'][^>]*>([\s\S]*?)<\/details>[ \t]*\n?/gi;
const THINK = /<think>([\s\S]*?)<\/think>[ \t]*\n?/gi;
const SUMMARY = /^\s*<summary>([\s\S]*?)<\/summary>/i;

/** Open WebUI quotes every line of the reasoning with "> ". */
function unquote(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^ {0,3}> ?/, ''))
    .join('\n')
    .trim();
}

export function splitReasoning(content: string): SplitReasoning {
  if (!/<details\b|<think>/i.test(content)) return { content };
  const parts: string[] = [];
  let recap: string | undefined;
  let rest = content.replace(DETAILS, (_all, inner: string) => {
    const summary = SUMMARY.exec(inner);
    if (summary && recap === undefined) recap = summary[1]?.trim() || undefined;
    const text = unquote(summary ? inner.slice(summary[0].length) : inner);
    if (text) parts.push(text);
    return '';
  });
  rest = rest.replace(THINK, (_all, inner: string) => {
    const text = inner.trim();
    if (text) parts.push(text);
    return '';
  });
  if (parts.length === 0 && recap === undefined) return { content };
  const split: SplitReasoning = { content: rest.trim() };
  if (parts.length > 0) split.reasoning = parts.join('\n\n');
  if (recap !== undefined) split.recap = recap;
  return split;
}
