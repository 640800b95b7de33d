import { Dialog } from '../ui-kit/Dialog.js';

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: 'Enter', action: 'Send the message' },
  { keys: 'Shift + Enter', action: 'New line in the message' },
  { keys: 'Esc', action: 'Stop the answer being written (in the search box: clear the search)' },
  { keys: `${mod} + Shift + O`, action: 'New chat' },
  { keys: `${mod} + K`, action: 'Search conversations' },
  { keys: `${mod} + /`, action: 'Show these shortcuts' },
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(' + ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' + '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
