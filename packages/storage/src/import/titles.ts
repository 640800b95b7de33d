// A conversation title for files whose title is missing or null: the first
// words of the first prompt, as the app names a new chat.
import { previewOf } from '../schema.js';
import type { MessageInput } from '../types.js';

const TITLE_LENGTH = 80;

export function titleOf(title: unknown, messages: readonly MessageInput[]): string {
  if (typeof title === 'string' && title.trim()) return title.trim().slice(0, 500);
  const prompt = messages.find((m) => m.role === 'user' && m.content.trim() !== '');
  if (!prompt) return '';
  const words = previewOf(prompt.content);
  if (words.length <= TITLE_LENGTH) return words;
  const cut = words.slice(0, TITLE_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}
