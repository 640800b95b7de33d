// The first-paint snapshot: what the app last showed of the open
// conversation, kept in localStorage so that the next start can paint it
// before the app's code has run (prepaint.ts), and which start may use it.
// Read by a tiny classic script: no imports beyond this folder, no React.

export const SNAPSHOT_KEY = 'chatkeep-first-paint';
export const SNAPSHOT_VERSION = 1;
/** Larger views (a very long message in view, say) are not kept: the app paints them itself. */
export const MAX_SNAPSHOT_CHARS = 200_000;
/** Keys the snapshot is checked against; the stores that own them are data/ui-store.ts and sync/sync-settings.ts. */
export const UI_KEY = 'chatkeep-ui';
export const SYNC_KEY = 'chatkeep-sync';

/** An element of the painted view. Text is a string; nothing is ever parsed as HTML. */
export interface SnapshotElement {
  /** Tag name, lower case; one of SNAPSHOT_TAGS. */
  t: string;
  /** Attributes, only SNAPSHOT_ATTRIBUTES. */
  a?: Record<string, string>;
  /** Inline style properties (the list's row positions), set through CSSOM. */
  s?: Record<string, string>;
  c?: SnapshotNode[];
}
export type SnapshotNode = string | SnapshotElement;

export interface Snapshot {
  v: typeof SNAPSHOT_VERSION;
  conversationId: string;
  /** `<server>#<userId>` of the signed-in sync account when it was taken, or null. */
  account: string | null;
  /** The window it was taken in: the rows' positions hold only for the same size. */
  width: number;
  height: number;
  /** The message list's scroll position. */
  scrollTop: number;
  savedAt: number;
  /** The app's layout (`.app`), with only the rows in view. */
  tree: SnapshotElement;
}

/** Elements the view is made of; anything else becomes a blank box of its size. */
export const SNAPSHOT_TAGS: ReadonlySet<string> = new Set([
  'a',
  'article',
  'aside',
  'b',
  'blockquote',
  'br',
  'button',
  'code',
  'del',
  'details',
  'div',
  'em',
  'fieldset',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'input',
  'kbd',
  'label',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  's',
  'section',
  'small',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'textarea',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

/** Attributes that change how the view looks (the stylesheets select on some); no URL, no handler, no id. */
export const SNAPSHOT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'aria-expanded',
  'aria-pressed',
  'checked',
  'class',
  'colspan',
  'data-live',
  'data-state',
  'dir',
  'disabled',
  'lang',
  'open',
  'placeholder',
  'rows',
  'rowspan',
  'start',
  'type',
]);

const INPUT_TYPES: ReadonlySet<string> = new Set(['text', 'search', 'checkbox', 'radio']);

/** Whether a captured attribute may be set again: the input types that show text or a box, nothing else. */
export function allowedAttribute(tag: string, name: string, value: string): boolean {
  if (!SNAPSHOT_ATTRIBUTES.has(name)) return false;
  return name !== 'type' || tag !== 'input' || INPUT_TYPES.has(value);
}

/** Style properties kept: the list's own layout (height, row positions) and the size of blank boxes. */
const STYLE_PROPERTY = /^(?:position|top|left|right|bottom|width|height|min-height|transform|display)$/;
const STYLE_VALUE = /^[-\w.%() ,]*$/;

export function allowedStyle(name: string, value: string): boolean {
  return STYLE_PROPERTY.test(name) && STYLE_VALUE.test(value);
}

function parseJson(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A stored snapshot of this version, or undefined (missing, old or damaged). */
export function parseSnapshot(raw: string | null): Snapshot | undefined {
  const value = parseJson(raw) as Partial<Snapshot> | undefined;
  if (!value || typeof value !== 'object' || value.v !== SNAPSHOT_VERSION) return undefined;
  if (typeof value.conversationId !== 'string' || !value.conversationId) return undefined;
  if (value.account !== null && typeof value.account !== 'string') return undefined;
  if (typeof value.width !== 'number' || typeof value.height !== 'number') return undefined;
  if (typeof value.scrollTop !== 'number' || typeof value.savedAt !== 'number') return undefined;
  if (!value.tree || typeof value.tree !== 'object' || typeof value.tree.t !== 'string') return undefined;
  return value as Snapshot;
}

/** The signed-in sync account in the stored sync settings (`<server>#<userId>`), or null. */
export function accountOf(syncRaw: string | null): string | null {
  const state = (parseJson(syncRaw) as { state?: { serverUrl?: unknown; account?: { userId?: unknown } } })
    ?.state;
  const userId = state?.account?.userId;
  return typeof userId === 'string' ? `${String(state?.serverUrl ?? '')}#${userId}` : null;
}

/**
 * The conversation the app will open at `pathname`: the one a /c/<id> link
 * names, none for a project's page (a new chat), else the one last open in
 * the open project (the UI store's `activeByProject`).
 */
export function conversationToOpen(pathname: string, uiRaw: string | null): string | undefined {
  const match = /^\/([cp])\/([^/]+)\/?$/.exec(pathname);
  if (match) {
    if (match[1] !== 'c') return undefined;
    try {
      return decodeURIComponent(match[2]!);
    } catch {
      return undefined;
    }
  }
  if (pathname !== '/') return undefined;
  const state = (parseJson(uiRaw) as { state?: { projectId?: unknown; activeByProject?: unknown } })?.state;
  const active = state?.activeByProject as Record<string, unknown> | undefined;
  const id = typeof state?.projectId === 'string' && active ? active[state.projectId] : undefined;
  return typeof id === 'string' && id ? id : undefined;
}

export interface PageAtStart {
  pathname: string;
  width: number;
  height: number;
  /** localStorage values of SNAPSHOT_KEY, UI_KEY and SYNC_KEY. */
  snapshotRaw: string | null;
  uiRaw: string | null;
  syncRaw: string | null;
}

/**
 * The snapshot to paint at this start, if any: the conversation the app is
 * about to open, taken under the same sync account, in a window of the
 * same size (rows are placed by pixel).
 */
export function snapshotToPaint(page: PageAtStart): Snapshot | undefined {
  const snapshot = parseSnapshot(page.snapshotRaw);
  if (!snapshot) return undefined;
  if (snapshot.conversationId !== conversationToOpen(page.pathname, page.uiRaw)) return undefined;
  if (snapshot.account !== accountOf(page.syncRaw)) return undefined;
  if (Math.abs(snapshot.width - page.width) > 1 || Math.abs(snapshot.height - page.height) > 1)
    return undefined;
  return snapshot;
}
