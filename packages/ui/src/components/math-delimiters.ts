// Math in assistant text. Models write it as `$...$` and `$$...$$`, and as
// often as `\(...\)` and `\[...\]`, which Markdown reads as escaped
// brackets. The latter are rewritten to the dollar forms remark-math parses
// (outside code, where they stay as written); the stored text never changes,
// so exports keep what was written. Single dollars follow Pandoc's rule, so
// that prices ("$5 and $10") stay text.

interface MathNode {
  type: string;
  value?: string;
  position?: { start: { offset?: number }; end: { offset?: number } };
  data?: { hProperties?: { className?: string[] } };
  children?: MathNode[];
}

/** Where code starts and ends in `text`: fenced blocks and inline code spans, as [start, end) pairs. */
function codeRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let open: { start: number; marker: string } | undefined;
  let spansFrom = 0;
  const spans = (from: number, to: number) => {
    // Inline code: a run of n backticks up to the next run of exactly n.
    const run = /`+/g;
    run.lastIndex = from;
    for (let m = run.exec(text); m && m.index < to; m = run.exec(text)) {
      const close = new RegExp(`(?<!\`)${m[0]}(?!\`)`, 'g');
      close.lastIndex = m.index + m[0].length;
      const end = close.exec(text);
      if (!end || end.index >= to) continue;
      ranges.push([m.index, end.index + m[0].length]);
      run.lastIndex = end.index + m[0].length;
    }
  };
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const marker = m[1] as string;
    if (!open) {
      spans(spansFrom, m.index);
      open = { start: m.index, marker };
    } else if (
      marker[0] === open.marker[0] &&
      marker.length >= open.marker.length &&
      m[0].trim() === marker
    ) {
      ranges.push([open.start, m.index + m[0].length]);
      spansFrom = m.index + m[0].length;
      open = undefined;
    }
  }
  if (open) ranges.push([open.start, text.length]);
  else spans(spansFrom, text.length);
  return ranges.sort((a, b) => a[0] - b[0]);
}

const BRACKETS = /(?<!\\)\\\[([\s\S]+?)(?<!\\)\\\]|(?<!\\)\\\(([\s\S]+?)(?<!\\)\\\)/g;

/** `\[...\]` -> `$$...$$` (display) and `\(...\)` -> `$...$` (inline), outside code. */
export function normalizeMathDelimiters(text: string): string {
  if (!text.includes('\\[') && !text.includes('\\(')) return text;
  const code = codeRanges(text);
  let out = '';
  let at = 0;
  const rewrite = (part: string) =>
    part.replace(BRACKETS, (_all, display: string | undefined, inline: string | undefined) =>
      display !== undefined ? `$$${display}$$` : `$${(inline as string).trim()}$`,
    );
  for (const [start, end] of code) {
    out += rewrite(text.slice(at, start)) + text.slice(start, end);
    at = end;
  }
  return out + rewrite(text.slice(at));
}

/**
 * remark plugin, after remark-math: text math between single dollars counts
 * only when it neither starts nor ends with a space and no digit follows it
 * (Pandoc's rule; "$5 and $10" stays text), and `$$...$$` inside a paragraph
 * is display math, as chat models mean it.
 */
export function remarkMathRules() {
  return (tree: MathNode, file: { value?: unknown }) => {
    const source = typeof file.value === 'string' ? file.value : '';
    const walk = (node: MathNode) => {
      if (!node.children) return;
      node.children = node.children.map((child) => {
        if (child.type !== 'inlineMath') {
          walk(child);
          return child;
        }
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        if (start === undefined || end === undefined) return child;
        const raw = source.slice(start, end);
        if (raw.startsWith('$$')) {
          child.data = {
            ...child.data,
            hProperties: { ...child.data?.hProperties, className: ['language-math', 'math-display'] },
          };
          return child;
        }
        // The raw text between the dollars: the parser trims one space off each end, as in code spans.
        const inner = raw.slice(1, -1);
        if (/^\s|\s$/.test(inner) || inner === '' || /\d/.test(source[end] ?? '')) {
          return { type: 'text', value: raw };
        }
        return child;
      });
    };
    walk(tree);
  };
}

/** Whether `text` may hold math or a fenced code block, the parts the rich renderer loads for. */
export function needsRichRendering(text: string): boolean {
  return /```|~~~|\$|\\\(|\\\[/.test(text);
}
