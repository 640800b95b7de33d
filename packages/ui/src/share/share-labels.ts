// What this browser remembers of the links it created: the server stores only
// an id, a size and times, so the conversation's title (to tell links apart
// in Settings) and the link itself (to copy it again) are kept here, in
// localStorage beside the sync settings. Other devices list the same links
// without them.
const KEY = 'chatkeep-shares';

export interface ShareLabel {
  title: string;
  conversationId: string;
  url: string;
}

function readAll(storage: Storage): Record<string, ShareLabel> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, ShareLabel>) : {};
  } catch {
    return {};
  }
}

export function shareLabels(storage: Storage = localStorage): Record<string, ShareLabel> {
  return readAll(storage);
}

export function rememberShare(id: string, label: ShareLabel, storage: Storage = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify({ ...readAll(storage), [id]: label }));
  } catch {
    // A full localStorage only costs the label: the link still works and is listed.
  }
}

/** Forgets every label ("Clear all conversations": titles are history too). The links stay listed and revocable. */
export function forgetShares(storage: Storage = localStorage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // Nothing to forget where storage cannot be reached.
  }
}
