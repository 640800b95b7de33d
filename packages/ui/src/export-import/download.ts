// Exports as file downloads. The storage package builds the file in chunks
// (yielding between pages), so a large history exports without freezing the page.
import {
  type ChatStorageAdapter,
  type ExportFormat,
  type ExportScope,
  exportConversationsBlob,
  exportFileInfo,
} from '@chatkeep/storage';

/** A file-name-safe form of a title: lower case words joined by dashes, at most 40 characters. */
export function fileSlug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
}

/**
 * exportFileInfo's name, with the conversation's title in it when one
 * conversation is exported (so exports of several chats on one day differ).
 */
export function exportFileName(format: ExportFormat, at: number, title?: string): string {
  const { fileName } = exportFileInfo(format, at);
  const slug = title === undefined ? '' : fileSlug(title);
  return slug ? fileName.replace('chatkeep-export', `chatkeep-${slug}`) : fileName;
}

/** Starts the browser's download of `blob` as `fileName`. */
export function saveBlob(blob: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface DownloadExportOptions extends ExportScope {
  format: ExportFormat;
  /** Puts this title into the file name (single-conversation exports). */
  title?: string;
  now?: () => number;
}

/** Builds the export and downloads it; resolves with the file name and size once the download has started. */
export async function downloadExport(
  adapter: ChatStorageAdapter,
  { title, now = Date.now, ...opts }: DownloadExportOptions,
  save: (blob: Blob, fileName: string) => void = saveBlob,
): Promise<{ fileName: string; size: number }> {
  const blob = await exportConversationsBlob(adapter, { ...opts, now });
  const fileName = exportFileName(opts.format, now(), title);
  save(blob, fileName);
  return { fileName, size: blob.size };
}
