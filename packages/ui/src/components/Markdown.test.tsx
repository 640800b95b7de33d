import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown, safeUrl } from './Markdown.js';

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
