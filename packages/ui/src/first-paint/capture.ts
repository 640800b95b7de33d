// Takes the snapshot from the app's DOM: the layout as it is on screen, the
// conversation's rows in view and nothing of those scrolled away, the
// sidebar's list as the placeholder the app itself shows at start (the list
// loads after the first paint), no dialogs.
import {
  allowedAttribute,
  allowedStyle,
  MAX_SNAPSHOT_CHARS,
  SNAPSHOT_TAGS,
  SNAPSHOT_VERSION,
  type Snapshot,
  type SnapshotElement,
  type SnapshotNode,
} from './format.js';

/** The open conversation's list; MessageList sets data-conversation-id on it. */
const LIST_SELECTOR = '.message-scroll[data-conversation-id]';
/** Beyond this many elements the view is not kept (a huge message in view). */
const MAX_ELEMENTS = 4000;
const SKIPPED_TAGS = new Set(['dialog', 'script', 'style', 'template', 'link', 'meta', 'noscript']);
/** Left out: the phone drawer's scrim, and a painted snapshot still in the page. */
const SKIPPED_CLASSES = ['scrim', 'first-paint'];
/** What Sidebar renders in its list while the list waits for the first paint. */
const SIDEBAR_LIST_CLASS = 'conversation-nav';
const SIDEBAR_PLACEHOLDER: SnapshotElement = {
  t: 'div',
  a: { class: 'skeleton-nav' },
  c: [0, 1, 2].map(() => ({ t: 'div', a: { class: 'skeleton' } })),
};

export interface CaptureOptions {
  account: string | null;
  now?: number;
}

interface Walk {
  width: number;
  height: number;
  elements: number;
}

function outside(el: Element, walk: Walk): 'no' | 'below' | 'away' {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return 'no';
  if (r.top >= walk.height) return 'below';
  if (r.bottom <= 0 || r.right <= 0 || r.left >= walk.width) return 'away';
  return 'no';
}

function captureElement(el: Element, walk: Walk): SnapshotNode | undefined {
  const tag = el.tagName.toLowerCase();
  if (SKIPPED_TAGS.has(tag) || SKIPPED_CLASSES.some((c) => el.classList.contains(c))) return undefined;
  if (el instanceof HTMLElement) {
    const where = outside(el, walk);
    // Out of view and out of the flow (a list row), or below the window: leaving it out moves nothing in view.
    if (where === 'below' || (where === 'away' && el.style.position === 'absolute')) return undefined;
  }
  if (++walk.elements > MAX_ELEMENTS) throw new RangeError('too many elements');
  if (!SNAPSHOT_TAGS.has(tag)) {
    // An element the snapshot does not rebuild (an image, an icon, math markup): a blank box of its size.
    const r = el.getBoundingClientRect();
    return {
      t: 'span',
      s: { display: 'inline-block', width: `${Math.round(r.width)}px`, height: `${Math.round(r.height)}px` },
    };
  }
  const node: SnapshotElement = { t: tag };
  const attributes: Record<string, string> = {};
  for (const { name, value } of Array.from(el.attributes)) {
    if (allowedAttribute(tag, name, value)) attributes[name] = value;
  }
  if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
    // What is checked now, not what the markup said at first.
    if (el.checked) attributes.checked = '';
    else delete attributes.checked;
  }
  // The phone drawer opens closed at start (the app does not remember it open).
  if (el.classList.contains('sidebar') && attributes.class) {
    attributes.class = attributes.class.replace(/(?:^|\s)open(?=\s|$)/, '').trim();
  }
  if (Object.keys(attributes).length > 0) node.a = attributes;
  if (el instanceof HTMLElement && el.style.length > 0) {
    const styles: Record<string, string> = {};
    for (let i = 0; i < el.style.length; i++) {
      const name = el.style.item(i);
      const value = el.style.getPropertyValue(name);
      if (allowedStyle(name, value)) styles[name] = value;
    }
    if (Object.keys(styles).length > 0) node.s = styles;
  }
  if (el.classList.contains(SIDEBAR_LIST_CLASS)) {
    node.c = [SIDEBAR_PLACEHOLDER];
    return node;
  }
  if (el instanceof HTMLTextAreaElement) {
    // The composer's height follows its text (a draft).
    if (el.value) node.c = [el.value];
    return node;
  }
  const children: SnapshotNode[] = [];
  for (const child of Array.from(el.childNodes)) {
    if (child.nodeType === 3) {
      const text = child.nodeValue ?? '';
      if (text) children.push(text);
    } else if (child.nodeType === 1) {
      const captured = captureElement(child as Element, walk);
      if (captured) children.push(captured);
    }
  }
  if (children.length > 0) node.c = children;
  return node;
}

/**
 * The snapshot of what `app` (the app's `.app` element) shows now, or
 * undefined when it shows no conversation's messages, or too much to keep.
 */
export function captureSnapshot(app: Element, options: CaptureOptions): Snapshot | undefined {
  const doc = app.ownerDocument;
  const win = doc.defaultView;
  const list = app.querySelector<HTMLElement>(LIST_SELECTOR);
  const conversationId = list?.dataset.conversationId;
  if (!win || !list || !conversationId || !list.querySelector('.message-row')) return undefined;
  const walk: Walk = { width: win.innerWidth, height: win.innerHeight, elements: 0 };
  let tree: SnapshotNode | undefined;
  try {
    tree = captureElement(app, walk);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  if (!tree || typeof tree === 'string') return undefined;
  const snapshot: Snapshot = {
    v: SNAPSHOT_VERSION,
    conversationId,
    account: options.account,
    width: walk.width,
    height: walk.height,
    scrollTop: list.scrollTop,
    savedAt: options.now ?? Date.now(),
    tree,
  };
  return snapshot;
}

/** The snapshot as stored, or undefined when it is over MAX_SNAPSHOT_CHARS. */
export function serializeSnapshot(snapshot: Snapshot): string | undefined {
  const text = JSON.stringify(snapshot);
  return text.length <= MAX_SNAPSHOT_CHARS ? text : undefined;
}
