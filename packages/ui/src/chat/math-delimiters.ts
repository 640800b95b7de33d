// Math in assistant text. Models write it as `$...$` and `$$...$$`, and as
// often as `\(...\)` and `\[...\]`, which Markdown reads as escaped
// brackets. The latter are rewritten to the dollar forms remark-math parses
// (outside code, where they stay as written); the stored text never changes,
// so exports keep what was written. Single dollars follow Pandoc's rule, so
// that prices ("$5 and $10") stay text.
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

interface MathNode {
  type: string;
  value?: string;
  position?: { start: { offset?: number }; end: { offset?: number } };
  data?: { hProperties?: { className?: string[] } };
  children?: MathNode[];
}

/** The same Markdown syntax as the rendering (Markdown.tsx), parsed only to find where code is. */
const makeParser = () => unified().use(remarkParse).use(remarkGfm).use(remarkMath).freeze();
let parser: ReturnType<typeof makeParser> | undefined;

interface MdastNode {
  type: string;
  position?: { start: { offset?: number }; end: { offset?: number } };
  children?: MdastNode[];
}

/** Nodes shown as written: code (fenced, indented, inline) and raw HTML, which the rendering shows as text. */
const AS_WRITTEN = new Set(['code', 'inlineCode', 'html']);

/**
 * Where code starts and ends in `text`, as [start, end) pairs in order: fenced
 * and indented blocks, inline code spans and raw HTML, as the Markdown parser
 * finds them (an indented line continuing a paragraph or a list item is not
 * code; one after a blank line is).
 */
function codeRanges(text: string): [number, number][] {
  parser ??= makeParser();
  const ranges: [number, number][] = [];
  const walk = (node: MdastNode) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (AS_WRITTEN.has(node.type) && start !== undefined && end !== undefined) {
      ranges.push([start, end]);
      return;
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(parser.parse(text) as unknown as MdastNode);
  return ranges;
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
