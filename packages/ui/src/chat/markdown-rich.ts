// The parts of Markdown rendering that are heavy and needed only by some
// messages: KaTeX for math and highlight.js grammars (through lowlight) for
// code. Loaded on demand after the first paint (see rich-markdown.ts), never
// in the main bundle. Both produce a syntax tree that React renders: no HTML
// string reaches the page, and KaTeX's inline styles become style properties,
// which the Content-Security-Policy allows.
import 'katex/dist/katex.min.css';
import './code-theme.css';
import type { Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';

type Plugins = NonNullable<Options['rehypePlugins']>;

export const rehypePlugins: Plugins = [
  // KaTeX first: math is code with class language-math until it runs.
  [
    rehypeKatex,
    {
      // No \href, \url, \htmlClass and the like: only math.
      trust: false,
      strict: 'ignore',
      throwOnError: false,
      maxSize: 50,
      maxExpand: 500,
      output: 'htmlAndMathml',
    },
  ],
  [rehypeHighlight, { detect: false, plainText: ['text', 'txt', 'plaintext', 'math'] }],
];
