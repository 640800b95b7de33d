import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from './plain-text.js';

describe('markdownToPlainText', () => {
  it('drops emphasis, strikethrough and code-span marks but keeps their words', () => {
    expect(
      markdownToPlainText('Use **bold**, *italic*, ***both***, __strong__, _em_ and ~~old~~ `code`.'),
    ).toBe('Use bold, italic, both, strong, em and old code.');
  });

  it('keeps what is inside code spans literally, even Markdown characters', () => {
    expect(markdownToPlainText('Run `a **b** [c](d)` then ``x ` y``')).toBe('Run a **b** [c](d) then x ` y');
  });

  it('leaves underscores inside words and lone asterisks alone', () => {
    expect(markdownToPlainText('call snake_case_name with 2 * 3 * 4')).toBe(
      'call snake_case_name with 2 * 3 * 4',
    );
  });

  it('shows the text of links and images, not their targets', () => {
    expect(
      markdownToPlainText(
        'See [the docs](https://x.test/a_(b)) and ![a chart](c.png) or [ref][1] <https://y.test>',
      ),
    ).toBe('See the docs and a chart or ref https://y.test');
    expect(markdownToPlainText('[1]: https://x.test/docs "Docs"')).toBe('');
  });

  it('drops heading, quote, list and task markers at the start of lines', () => {
    expect(
      markdownToPlainText('## Plan ##\n> quoted\n> > deeper\n- one\n* two\n+ three\n12. twelve\n- [x] done'),
    ).toBe('Plan\nquoted\ndeeper\none\ntwo\nthree\ntwelve\ndone');
  });

  it('keeps code block lines as written and drops their fences', () => {
    expect(markdownToPlainText('Before\n```ts\nconst a = **b**;\n```\n~~~\nx_y\n~~~\nAfter')).toBe(
      'Before\nconst a = **b**;\nx_y\nAfter',
    );
  });

  it('reads a table as its cells, without pipes or the divider row', () => {
    expect(markdownToPlainText('| Name | Cost |\n|---|:---:|\n| tea | 2 |')).toBe('Name  Cost\ntea  2');
  });

  it('drops horizontal rules and shows escaped characters alone', () => {
    expect(markdownToPlainText('a\n---\n\\*not em\\* 1\\. x \\| y')).toBe('a\n*not em* 1. x | y');
  });

  it('keeps HTML as written, as the app shows it as text', () => {
    expect(markdownToPlainText('Use <b>dough</b> & <br/>')).toBe('Use <b>dough</b> & <br/>');
  });

  it('leaves plain text unchanged', () => {
    const text = 'Plain words, numbers 3.14 and questions? Yes!\nSecond line.';
    expect(markdownToPlainText(text)).toBe(text);
  });
});
