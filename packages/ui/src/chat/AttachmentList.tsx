import type { Attachment } from '@chatkeep/storage';

const KIND: [prefix: string, what: string][] = [
  ['image/', 'Image'],
  ['audio/', 'Audio'],
  ['video/', 'Video'],
];

const what = (mediaType: string) => KIND.find(([prefix]) => mediaType.startsWith(prefix))?.[1] ?? 'File';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

/** Only web addresses become links: an imported file's address is never trusted to be one. */
const isWebUrl = (url: string | undefined): url is string => !!url && /^https?:\/\//i.test(url);

/**
 * A message's files. Imports from other apps name files the export did not
 * include (ChatGPT's images and voice recordings): each is said to be missing
 * where it was, with what is known about it.
 */
export function AttachmentList({ attachments }: { attachments: unknown }) {
  if (!Array.isArray(attachments) || attachments.length === 0) return null;
  return (
    <ul className="attachment-list" aria-label="Attachments">
      {(attachments as Attachment[]).map((a, i) => {
        const facts = [
          a.name,
          a.size !== undefined ? size(a.size) : '',
          a.width !== undefined && a.height !== undefined ? `${a.width}×${a.height}` : '',
        ].filter(Boolean);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: two attachments may share a name
          <li key={i} className="attachment">
            {isWebUrl(a.url) ? (
              <a href={a.url} target="_blank" rel="noreferrer noopener">
                {a.name}
              </a>
            ) : (
              <>
                <span className="attachment-missing">{what(a.mediaType)} not included in the export</span>{' '}
                <span className="attachment-facts">{facts.join(' · ')}</span>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
