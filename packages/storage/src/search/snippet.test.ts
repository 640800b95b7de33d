import { describe, expect, it } from 'vitest';
import { buildSnippet } from './snippet.js';
import { normalizeTerm, queryTerms, wordsWithOffsets } from './terms.js';

const render = (segments: { text: string; highlight: boolean }[]) =>
  segments.map((s) => (s.highlight ? `[${s.text}]` : s.text)).join('');

describe('search terms', () => {
  it('are lower case without accents, so "Café" is found by "cafe"', () => {
    expect(normalizeTerm('Café')).toBe('cafe');
    expect(wordsWithOffsets('Un Café, s.v.p.').map((w) => w.term)).toEqual(['un', 'cafe', 's', 'v', 'p']);
  });

  it('of a query leave out stop words, whatever their case', () => {
    expect(queryTerms('The Invoice of MARCH')).toEqual(['invoice', 'march']);
    expect(queryTerms('to be or not to be')).toEqual([]);
    expect(queryTerms('  ')).toEqual([]);
  });
});

describe('snippets', () => {
  it('highlight every matched word and leave the rest plain', () => {
    expect(render(buildSnippet('The invoice for March\nand the March report', ['march']))).toBe(
      'The invoice for [March] and the [March] report',
    );
  });

  it('match words by their normalised term, not by substring', () => {
    expect(render(buildSnippet('Marching in march', ['march']))).toBe('Marching in [march]');
  });

  it('cut long text around the matches at word boundaries, marking the cuts', () => {
    const text = `${'alpha '.repeat(60)}needle ${'omega '.repeat(60)}`;
    const segments = buildSnippet(text, ['needle'], 80);
    const shown = render(segments);
    expect(shown.startsWith('…alpha')).toBe(true);
    expect(shown.endsWith('omega…')).toBe(true);
    expect(shown).toContain('[needle]');
    expect(shown.length).toBeLessThanOrEqual(80 + 4);
  });

  it('prefer the part of the text with the most matches', () => {
    const text = `one match here ${'filler '.repeat(40)} then match and match and match`;
    const shown = render(buildSnippet(text, ['match'], 60));
    expect(shown.match(/\[match\]/g)?.length).toBe(3);
  });

  it('show the start of the text when nothing matches', () => {
    expect(render(buildSnippet('plain words only', ['zzz']))).toBe('plain words only');
  });

  it('never return markup: text with angle brackets stays text', () => {
    const segments = buildSnippet('<b>bold</b> <script>x</script>', ['bold']);
    expect(segments).toEqual([
      { text: '<b>', highlight: false },
      { text: 'bold', highlight: true },
      { text: '</b> <script>x</script>', highlight: false },
    ]);
  });
});
