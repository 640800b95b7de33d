// Builds the snapshot's elements with createElement and text nodes (never
// innerHTML), checking every tag, attribute and style against the lists in
// format.ts again: localStorage is not trusted to hold only what the app
// wrote. Styles go through CSSOM, which the CSP's style-src allows.
import { allowedAttribute, allowedStyle, SNAPSHOT_TAGS, type Snapshot, type SnapshotNode } from './format.js';

/** The element the snapshot is painted into, over the app's root until the app takes over. */
export const OVERLAY_ID = 'first-paint';

export function renderNode(doc: Document, node: SnapshotNode): Node | undefined {
  if (typeof node === 'string') return doc.createTextNode(node);
  if (!node || typeof node !== 'object' || !SNAPSHOT_TAGS.has(node.t)) return undefined;
  const el = doc.createElement(node.t);
  for (const [name, value] of Object.entries(node.a ?? {})) {
    if (typeof value === 'string' && allowedAttribute(node.t, name, value)) el.setAttribute(name, value);
  }
  for (const [name, value] of Object.entries(node.s ?? {})) {
    if (typeof value === 'string' && allowedStyle(name, value)) el.style.setProperty(name, value);
  }
  for (const child of Array.isArray(node.c) ? node.c : []) {
    const built = renderNode(doc, child);
    if (!built) continue;
    // A textarea shows its text as its value.
    if (el instanceof HTMLTextAreaElement) el.value += built.textContent ?? '';
    else el.appendChild(built);
  }
  return el;
}

/**
 * Paints the snapshot over the page: an inert copy of the view, hidden from
 * assistive technology (the app underneath is what they read), scrolled
 * where the reader left the message list.
 */
export function paintSnapshot(doc: Document, snapshot: Snapshot): HTMLElement | undefined {
  const view = renderNode(doc, snapshot.tree);
  if (!view) return undefined;
  const overlay = doc.createElement('div');
  overlay.id = OVERLAY_ID;
  overlay.className = 'first-paint';
  overlay.setAttribute('aria-hidden', 'true');
  overlay.inert = true;
  overlay.appendChild(view);
  doc.body.appendChild(overlay);
  const list = overlay.querySelector<HTMLElement>('.message-scroll');
  if (list) list.scrollTop = snapshot.scrollTop;
  return overlay;
}
