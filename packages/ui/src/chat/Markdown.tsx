// Assistant text as Markdown. Raw HTML is never rendered (it shows as text),
// and only http, https and mailto links survive; they open in a new tab.
// Code is highlighted and math typeset once the rich renderer has loaded
// (rich-markdown.ts); until then both show as written.
import { type ComponentProps, Fragment, memo, useMemo, useRef, useState } from 'react';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { needsRichRendering, normalizeMathDelimiters, remarkMathRules } from './math-delimiters.js';
import { useRichPlugins } from './rich-markdown.js';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : '';
  } catch {
    return '';
  }
}

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Turns raw HTML nodes into plain text, so `<script>` is shown, not run and not silently dropped. */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    if (!node.children) return;
    node.children = node.children.map((child) => {
      if (child.type === 'html') return { type: 'text', value: child.value ?? '' };
      walk(child);
      return child;
    });
  };
  return (tree: MdNode) => walk(tree);
}

function SafeLink({ href, children, node: _node, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  if (!href) return <span className="link-removed">{children}</span>;
  return (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

interface HastElement {
  type: string;
  tagName?: string;
  properties?: { className?: unknown };
  children?: HastElement[];
}

/** The language a fenced block names (```python), from its code element's class. */
export function codeLanguage(pre: HastElement | undefined): string | undefined {
  const code = pre?.children?.find((c) => c.type === 'element' && c.tagName === 'code');
  const classes = code?.properties?.className;
  if (!Array.isArray(classes)) return undefined;
  for (const c of classes) {
    if (typeof c === 'string' && c.startsWith('language-')) return c.slice('language-'.length);
  }
  return undefined;
}

function CodeBlock({ children, node, ...rest }: ComponentProps<'pre'> & { node?: HastElement }) {
  const ref = useRef<HTMLPreElement>(null);
  const language = codeLanguage(node);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const text = ref.current?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="code-block">
      {language && <span className="code-language">{language}</span>}
      <button type="button" className="copy-button" onClick={copy} aria-label="Copy code">
        {copied ? 'Copied' : 'Copy'}
      </button>
      <pre ref={ref} {...rest}>
        {children}
      </pre>
    </div>
  );
}

function SafeImage({ src, alt, node: _node, ...rest }: ComponentProps<'img'> & { node?: unknown }) {
  if (!src || typeof src !== 'string') return <span>{alt}</span>;
  return <img {...rest} src={src} alt={alt ?? ''} loading="lazy" referrerPolicy="no-referrer" />;
}

const remarkPlugins = [remarkGfm, remarkMath, remarkMathRules, remarkHtmlAsText];
const components = { a: SafeLink, pre: CodeBlock, img: SafeImage };

/** Letters, digits, spaces, line breaks and punctuation that mean nothing to Markdown anywhere in a line. */
const PLAIN_CHARS = /^[\p{L}\p{M}\p{N} \n.,;:?!'"()%/\u2013\u2014\u2018\u2019\u201c\u201d\u2026-]*$/u;
/**
 * What could still make Markdown of plain characters: a line that starts with
 * a space, a digit or a hyphen (code, lists, rules), one that ends with a
 * space (line breaks), or a bare link.
 */
const NOT_PLAIN = /^[ \d-]|[ ]\n|:\/\/|www\./m;

/**
 * The paragraphs of `text` when it is plain prose, which Markdown would only
 * cut into paragraphs at blank lines (so it is shown without parsing it);
 * undefined when any part of it could be Markdown. Most messages are prose:
 * this keeps a long conversation quick to scroll.
 */
export function plainParagraphs(text: string): string[] | undefined {
  const trimmed = text.trimEnd();
  if (trimmed === '' || trimmed.startsWith('\n')) return undefined;
  if (!PLAIN_CHARS.test(trimmed) || NOT_PLAIN.test(trimmed)) return undefined;
  return trimmed.split(/\n\n+/).map((p) => p.trimEnd());
}

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const plain = useMemo(() => plainParagraphs(text), [text]);
  if (plain) {
    // What ReactMarkdown renders for it, line breaks between paragraphs included.
    return (
      <div className="markdown">
        {plain.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs have no identity but their place
          <Fragment key={i}>
            {i > 0 && '\n'}
            <p>{p}</p>
          </Fragment>
        ))}
      </div>
    );
  }
  return <ParsedMarkdown text={text} />;
});

function ParsedMarkdown({ text }: { text: string }) {
  const rich = needsRichRendering(text);
  const rehypePlugins = useRichPlugins(rich);
  const source = useMemo(() => (rich ? normalizeMathDelimiters(text) : text), [rich, text]);
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={remarkPlugins}
        rehypePlugins={rehypePlugins}
        urlTransform={safeUrl}
        components={components}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
