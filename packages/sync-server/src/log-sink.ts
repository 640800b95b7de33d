// Writes log lines to stderr without ever blocking the server: Node writes
// to pipes synchronously, so a parent process that never reads our stderr
// would otherwise stall every request once the pipe fills. Lines are written
// one batch at a time off the main thread and dropped when far behind.
import { write } from 'node:fs';

const MAX_QUEUED = 10_000;

export function stderrLog(): (line: string) => void {
  const queue: string[] = [];
  let writing = false;
  let dropped = 0;

  const flush = () => {
    if (writing || queue.length === 0) return;
    writing = true;
    const note = dropped ? `(${dropped} log lines dropped)\n` : '';
    dropped = 0;
    const text = `${note}${queue.splice(0).join('\n')}\n`;
    write(2, text, () => {
      writing = false;
      flush();
    });
  };

  return (line) => {
    if (queue.length >= MAX_QUEUED) dropped++;
    else queue.push(line);
    flush();
  };
}
