// Message text as a reader sees it once rendered: Markdown syntax removed
// (emphasis marks, backticks, link targets, heading and list markers, table
// pipes), words kept. HTML stays as written: the app shows it as text.
// Snippets are cut from this text, so what they show and highlight reads
// like the message, not like its source.
//
// Deliberately small and line-based: a full CommonMark parser costs seconds
// on a 20 KB message, and a snippet needs only readable words, not the tree.

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const LINE_PREFIX = /^\s{0,3}(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?/;

/** `text` with its Markdown syntax removed; lines are kept (callers collapse whitespace). */
export function markdownToPlainText(text: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const opener = FENCE.exec(line);
    if (fence !== undefined) {
      // Code is shown as written; only the closing fence goes.
      if (opener && opener[1]!.startsWith(fence)) fence = undefined;
      else out.push(line);
      continue;
    }
    if (opener) {
      fence = opener[1]!;
      continue;
    }
    if (RULE.test(line) || TABLE_DIVIDER.test(line)) continue;
    out.push(inline(line.replace(LINE_PREFIX, '').replace(/\s#+\s*$/, '')));
  }
  return out.join('\n');
}

function inline(line: string): string {
  // U+E000 (private use, never text anyone writes) marks the literals set aside below.
  let s = line.replaceAll('\uE000', '');
  // Code spans and backslash escapes first: what they hold is literal, set
  // aside so that no rule below reads it as syntax.
  const literal: string[] = [];
  const keep = (text: string) => {
    literal.push(text);
    return `\uE000${literal.length - 1}\uE000`;
  };
  s = s
    .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _ticks: string, body: string) =>
      keep(body.trim() === '' ? body : body.replace(/^ (.*) $/, '$1')),
    )
    .replace(/\\([!-/:-@[-`{-~])/g, (_, char: string) => keep(char));
  s = s
    // Images and links show their text; reference definitions and targets are not read.
    .replace(/!\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
    .replace(/\[([^\]]+)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/^\s{0,3}\[[^\]]+\]:\s+\S+.*$/, '')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    // Emphasis and strikethrough: the marks go, the words stay. Underscores
    // inside words (snake_case) are not emphasis.
    .replace(/(\*{1,3}|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}_])(_{1,3})(?=\S)([\s\S]*?\S)\2(?![\p{L}\p{N}_])/gu, '$1$3')
    // Table cells: pipes become gaps (escaped pipes were set aside above).
    .replace(/^\s*\|\s*/, '')
    .replace(/\s*\|\s*$/, '')
    .replace(/\s*\|\s*/g, '  ');
  return s.replace(/\uE000(\d+)\uE000/g, (_, i: string) => literal[Number(i)]!);
}
