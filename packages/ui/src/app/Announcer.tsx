import { useStreams } from '../chat/chat-controller.js';

/**
 * A polite live region: screen readers say when an answer has finished or
 * failed, without moving focus. Every other announcement adds an invisible
 * no-break space, so that the same words twice in a row are read again.
 */
export function Announcer() {
  const announcement = useStreams((s) => s.announcement);
  const text = announcement ? `${announcement.text}${announcement.seq % 2 ? '\u00a0' : ''}` : '';
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-label="Announcements">
      {text}
    </div>
  );
}
