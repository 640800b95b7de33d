import type { SnippetSegment } from '@chatkeep/storage';

/** A snippet from its segments: matched words in <mark>, all of it as text (never parsed as HTML). */
export function Snippet({ segments }: { segments: SnippetSegment[] }) {
  return (
    <span className="search-snippet">
      {segments.map((segment, i) =>
        segment.highlight ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reordered
          <mark key={i}>{segment.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reordered
          <span key={i}>{segment.text}</span>
        ),
      )}
    </span>
  );
}
