/** A conversation title from its first user message: the first line, cut at a word near 60 characters. */
export function titleFromMessage(text: string, max = 60): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  const flat = line.replace(/\s+/g, ' ').replace(/^#+\s*/, '');
  if (flat.length <= max) return flat || 'New chat';
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}
