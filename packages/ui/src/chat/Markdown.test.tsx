import { render, screen, waitFor } from '@testing-library/react';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { describe, expect, it } from 'vitest';
import { Markdown, plainParagraphs, safeUrl } from './Markdown.js';
import { normalizeMathDelimiters } from './math-delimiters.js';
import { loadRichMarkdown } from './rich-markdown.js';

describe('Markdown rendering', () => {
  it('keeps only http, https and mailto links', () => {
    expect(safeUrl('https://example.com/a')).toBe('https://example.com/a');
    expect(safeUrl('mailto:me@example.com')).toBe('mailto:me@example.com');
    expect(safeUrl('javascript:alert(1)')).toBe('');
    expect(safeUrl('data:text/html,<script>alert(1)</script>')).toBe('');
    expect(safeUrl('/relative')).toBe('');
  });

  it('opens links in a new tab without giving the page access to this one', () => {
    render(<Markdown text="[docs](https://example.com) and [bad](javascript:alert(1))" />);
    const link = screen.getByRole('link', { name: 'docs' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.queryByRole('link', { name: 'bad' })).toBeNull();
    expect(screen.getByText('bad')).toBeTruthy();
  });

  it('shows raw HTML as text instead of rendering it', () => {
    const { container } = render(
      <Markdown text={'Hi <img src=x onerror="alert(1)"> <b>bold</b>\n\n<script>alert(2)</script>'} />,
    );
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.textContent).toContain('<script>alert(2)</script>');
    expect(container.textContent).toContain('<b>');
  });

  it('renders GFM tables and gives code blocks a copy button', () => {
    render(<Markdown text={'| a | b |\n| - | - |\n| 1 | 2 |\n\n```js\nconst x = 1;\n```'} />);
    expect(screen.getByRole('table')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy code' })).toBeTruthy();
    expect(screen.getByText('const x = 1;')).toBeTruthy();
  });
});

describe('code highlighting and math', () => {
  it('labels a fenced block with its language before and after highlighting', async () => {
    const { container } = render(<Markdown text={'```python\ndef f(x):\n    return 42\n```'} />);
    expect(container.querySelector('.code-language')?.textContent).toBe('python');
    await loadRichMarkdown();
    await waitFor(() => expect(container.querySelector('.hljs-keyword')?.textContent).toBe('def'));
    expect(container.querySelector('.hljs-number')?.textContent).toBe('42');
    expect(container.querySelector('pre')?.textContent).toBe('def f(x):\n    return 42\n');
    expect(container.querySelector('.code-language')?.textContent).toBe('python');
  });

  it('leaves a block without a language unhighlighted and unlabelled', async () => {
    await loadRichMarkdown();
    const { container } = render(<Markdown text={'```\nif x then y\n```'} />);
    expect(container.querySelector('.code-language')).toBeNull();
    expect(container.querySelector('[class^="hljs-"]')).toBeNull();
    expect(container.querySelector('pre')?.textContent).toBe('if x then y\n');
  });

  it('typesets $...$, $$...$$, \\(...\\) and \\[...\\] with KaTeX', async () => {
    await loadRichMarkdown();
    const { container } = render(
      <Markdown
        text={
          'Energy $E=mc^2$ and \\(a^2+b^2\\).\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n\\[\n\\frac{1}{2}\n\\]\n\nInline display $$x_1$$ here.'
        }
      />,
    );
    await waitFor(() => expect(container.querySelectorAll('.katex').length).toBe(5));
    const tex = [...container.querySelectorAll('annotation')].map((a) => a.textContent?.trim());
    expect(tex).toEqual(['E=mc^2', 'a^2+b^2', '\\int_0^1 x\\,dx', '\\frac{1}{2}', 'x_1']);
    // $$...$$ and \[...\] are display math, also inside a paragraph.
    expect(container.querySelectorAll('.katex-display').length).toBe(3);
    expect(container.textContent).not.toContain('\\(');
  });

  it('keeps prices as text: "$5 and $10" is not math', async () => {
    await loadRichMarkdown();
    const { container } = render(<Markdown text={'It costs $5 and $10, or $20-$30. Also $ x $ stays.'} />);
    expect(container.querySelector('.katex, code')).toBeNull();
    expect(container.textContent).toBe('It costs $5 and $10, or $20-$30. Also $ x $ stays.');
  });

  it('leaves math delimiters inside code as written', async () => {
    await loadRichMarkdown();
    const text = 'Use `\\(x\\)` or `$y$`:\n\n```latex\n\\[ z \\] and $w$\n```';
    const { container } = render(<Markdown text={text} />);
    expect(container.querySelector('.katex')).toBeNull();
    const code = [...container.querySelectorAll('code')].map((c) => c.textContent);
    expect(code).toEqual(['\\(x\\)', '$y$', '\\[ z \\] and $w$\n']);
  });

  it('shows \\(...\\) in an indented code block as written, and typesets it in the prose around', async () => {
    await loadRichMarkdown();
    const text = 'Before \\(a\\).\n\n    \\(x\\) and \\[y\\]\n\nAfter \\(b\\).';
    const { container } = render(<Markdown text={text} />);
    await waitFor(() => expect(container.querySelectorAll('.katex').length).toBe(2));
    expect(container.querySelector('pre code')?.textContent).toBe('\\(x\\) and \\[y\\]\n');
    const tex = [...container.querySelectorAll('annotation')].map((a) => a.textContent?.trim());
    expect(tex).toEqual(['a', 'b']);
  });

  it('renders math safely: no links, HTML or scripts from TeX', async () => {
    await loadRichMarkdown();
    const { container } = render(
      <Markdown
        text={
          '$\\href{javascript:alert(1)}{x}$ and $\\htmlId{pwn}{y}$ and $<img src=x onerror=alert(1)>$ and $\\unknownmacro$'
        }
      />,
    );
    await waitFor(() => expect(container.querySelectorAll('.katex, .katex-error').length).toBeGreaterThan(0));
    expect(container.querySelector('a, img, script, #pwn')).toBeNull();
    expect(container.querySelector('[href], [id], [onerror]')).toBeNull();
  });
});

describe('math delimiters', () => {
  it('rewrites \\(...\\) and \\[...\\] outside code only, and not escaped ones', () => {
    expect(normalizeMathDelimiters('a \\( x \\) b \\[y\\]')).toBe('a $x$ b $$y$$');
    expect(normalizeMathDelimiters('`\\(x\\)` \\(z\\)')).toBe('`\\(x\\)` $z$');
    expect(normalizeMathDelimiters('```\n\\(x\\)\n```\n\\(z\\)')).toBe('```\n\\(x\\)\n```\n$z$');
    expect(normalizeMathDelimiters('\\\\(not math\\\\)')).toBe('\\\\(not math\\\\)');
    expect(normalizeMathDelimiters('no math here')).toBe('no math here');
  });

  it('keeps \\(x\\) as written in fenced, inline and indented code, and makes math of it in prose', () => {
    const text = [
      'Prose \\(a\\) and `\\(b\\)` inline.',
      '',
      '```',
      '\\(c\\)',
      '```',
      '',
      '    \\(d\\) indented four spaces',
      '    \\[e\\]',
      '',
      '\tf = \\(f\\) after a tab',
      '',
      'Then \\(g\\) again.',
    ].join('\n');
    expect(normalizeMathDelimiters(text)).toBe(
      [
        'Prose $a$ and `\\(b\\)` inline.',
        '',
        '```',
        '\\(c\\)',
        '```',
        '',
        '    \\(d\\) indented four spaces',
        '    \\[e\\]',
        '',
        '\tf = \\(f\\) after a tab',
        '',
        'Then $g$ again.',
      ].join('\n'),
    );
  });

  it('treats an indented line as code only where Markdown does: not when it continues a paragraph or a list item', () => {
    // No blank line before: the indented line goes on with the paragraph.
    expect(normalizeMathDelimiters('Energy is\n    \\(E=mc^2\\) here.')).toBe(
      'Energy is\n    $E=mc^2$ here.',
    );
    // A list item's second paragraph, indented to the item's text: prose.
    expect(normalizeMathDelimiters('1. First\n\n    so \\(x+1\\) holds.')).toBe(
      '1. First\n\n    so $x+1$ holds.',
    );
    // Four spaces past the item's text: code inside the item.
    expect(normalizeMathDelimiters('- item\n\n        \\(y\\)')).toBe('- item\n\n        \\(y\\)');
    // A fence that never closes runs to the end.
    expect(normalizeMathDelimiters('\\(z\\)\n~~~\n\\(w\\)')).toBe('$z$\n~~~\n\\(w\\)');
  });
});

describe('plain prose', () => {
  const parsed = (text: string) =>
    render(
      <div className="markdown">
        <ReactMarkdown remarkPlugins={[remarkGfm, remarkMath]}>{text}</ReactMarkdown>
      </div>,
    ).container.innerHTML;
  const shown = (text: string) => render(<Markdown text={text} />).container.innerHTML;

  it('is shown exactly as the Markdown parser would render it, without parsing it', () => {
    const words = [
      'Database',
      'index',
      'query,',
      'schema;',
      'it’s',
      '"quoted"',
      '(aside)',
      'well-known',
      'résumé',
      'rate 50%',
      'and/or',
      'naïve',
      'Why?',
      'Yes!',
      'done.',
      'x2',
      '東京',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const texts = [
      'One line.',
      'Trailing spaces at the end   ',
      'First line\nsecond line\n\nSecond paragraph.\n\n\n\nThird, after three blank lines.\n',
      'Text  with  double  spaces.',
    ];
    for (let n = 0; n < 200; n++) {
      let text = '';
      const length = Math.floor(next() * 60) + 1;
      for (let w = 0; w < length; w++) {
        const word = words[Math.floor(next() * words.length)] as string;
        const gap = next();
        text += word + (gap < 0.05 ? '\n\n' : gap < 0.1 ? '\n' : ' ');
      }
      texts.push(text);
    }
    for (const text of texts) {
      expect(plainParagraphs(text), text).toBeDefined();
      expect(shown(text), text).toBe(parsed(text));
    }
  });

  it('is parsed as Markdown whenever any part of it could be Markdown', () => {
    const markdown = [
      '',
      '\nleading blank line',
      '1. a list',
      '2) another',
      '- a bullet',
      'Heading\n---',
      '    indented code',
      'line with a break  \nnext',
      'see https://example.com',
      'see www.example.com',
      'mail me@example.com',
      '*emphasis*',
      '_emphasis_',
      '`code`',
      '# heading',
      '> quote',
      'a | b',
      '[link](x)',
      '~~struck~~',
      '$x$',
      '\\(x\\)',
      '<b>html</b>',
      'AT&amp;T',
      'line\r\nwith CR',
      'tab\tinside',
      'Setext\n===',
    ];
    for (const text of markdown) {
      expect(plainParagraphs(text), text).toBeUndefined();
    }
  });
});
