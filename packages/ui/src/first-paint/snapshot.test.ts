// Writing a snapshot from the DOM and painting it back (happy-dom has no
// layout: where a test needs a row out of view, it gives that row a box).
import { afterEach, describe, expect, it } from 'vitest';
import { captureSnapshot, serializeSnapshot } from './capture.js';
import {
  MAX_SNAPSHOT_CHARS,
  parseSnapshot,
  SNAPSHOT_KEY,
  SNAPSHOT_VERSION,
  type Snapshot,
  type SnapshotElement,
} from './format.js';
import { OVERLAY_ID, paintSnapshot, renderNode } from './render.js';
import { forgetSnapshot, readSnapshot, resetSnapshotStoreForTests, storeSnapshot } from './store.js';

function appView(rows: string[]): HTMLElement {
  document.body.innerHTML = `
    <div id="root"><div class="app">
      <aside class="sidebar open"><nav class="conversation-nav"><button class="conversation">Secret title</button></nav></aside>
      <div class="scrim"></div>
      <main class="chat">
        <header class="chat-header"><h1 class="chat-title">Trip</h1></header>
        <div class="message-scroll" data-conversation-id="c1">
          <section class="message-list"></section>
        </div>
        <textarea class="composer-input" aria-label="Message"></textarea>
      </main>
      <dialog open><p>Settings</p></dialog>
    </div></div>`;
  const list = document.querySelector('.message-list') as HTMLElement;
  list.style.height = `${rows.length * 100}px`;
  list.style.position = 'relative';
  rows.forEach((text, i) => {
    const row = document.createElement('div');
    row.className = 'message-row';
    row.style.position = 'absolute';
    row.style.transform = `translateY(${i * 100}px)`;
    row.innerHTML = `<article class="message message-user"><div class="message-text"></div></article>`;
    (row.querySelector('.message-text') as HTMLElement).textContent = text;
    list.appendChild(row);
  });
  return document.querySelector('.app') as HTMLElement;
}

function placeAt(el: Element, top: number, height = 100) {
  el.getBoundingClientRect = () =>
    ({ top, bottom: top + height, left: 0, right: 500, width: 500, height, x: 0, y: top }) as DOMRect;
}

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
  resetSnapshotStoreForTests();
});

describe('taking the snapshot', () => {
  it('keeps the layout, the rows with their positions and the draft, and names the conversation shown', () => {
    const app = appView(['Plan a trip to Lisbon', 'Here is a plan']);
    (document.querySelector('textarea') as HTMLTextAreaElement).value = 'half-written';
    const snapshot = captureSnapshot(app, { account: 'srv#u1', now: 5 })!;
    expect(snapshot).toMatchObject({
      v: SNAPSHOT_VERSION,
      conversationId: 'c1',
      account: 'srv#u1',
      savedAt: 5,
    });
    const json = JSON.stringify(snapshot.tree);
    expect(json).toContain('Plan a trip to Lisbon');
    expect(json).toContain('Here is a plan');
    expect(json).toContain('translateY(100px)');
    expect(json).toContain('half-written');
  });

  it('leaves out rows scrolled out of view, the sidebar list (a placeholder, as at start), dialogs, the open drawer and its scrim', () => {
    const app = appView(['Old question', 'Visible question', 'Below the window']);
    const rows = document.querySelectorAll('.message-row');
    placeAt(rows[0]!, -300);
    placeAt(rows[1]!, 200);
    placeAt(rows[2]!, 900);
    const json = JSON.stringify(captureSnapshot(app, { account: null })!.tree);
    expect(json).toContain('Visible question');
    expect(json).not.toContain('Old question');
    expect(json).not.toContain('Below the window');
    expect(json).not.toContain('Secret title');
    expect(json).toContain('skeleton-nav');
    expect(json).not.toContain('Settings');
    expect(json).not.toContain('scrim');
    // The phone drawer, open when the snapshot was taken, opens closed at start.
    expect(json).toContain('"class":"sidebar"');
  });

  it('keeps nothing when no conversation is shown (a new chat) or it holds no rows yet', () => {
    const app = appView([]);
    expect(captureSnapshot(app, { account: null })).toBeUndefined();
    document.querySelector('.message-scroll')!.removeAttribute('data-conversation-id');
    expect(captureSnapshot(app, { account: null })).toBeUndefined();
  });

  it('keeps no attribute that could run or load anything, and no style beyond the layout', () => {
    const app = appView(['x']);
    const text = document.querySelector('.message-text') as HTMLElement;
    text.innerHTML =
      '<a href="javascript:alert(1)" onclick="alert(1)" id="a1">link</a><img src="https://example.com/i.png">';
    text.style.color = 'red';
    const json = JSON.stringify(captureSnapshot(app, { account: null })!.tree);
    expect(json).not.toMatch(/href|onclick|javascript|example\.com|"id"|color/);
    expect(json).toContain('link');
    expect(json).toContain('inline-block'); // the image's blank box
  });

  it('is not stored beyond its size limit', () => {
    const app = appView(['x'.repeat(MAX_SNAPSHOT_CHARS)]);
    expect(serializeSnapshot(captureSnapshot(app, { account: null })!)).toBeUndefined();
    expect(serializeSnapshot(captureSnapshot(appView(['short']), { account: null })!)).toBeDefined();
  });
});

describe('painting the snapshot', () => {
  it('builds the same text, classes and row positions in an inert overlay hidden from assistive technology', () => {
    const snapshot = captureSnapshot(appView(['Plan a trip to Lisbon']), { account: null })!;
    document.body.innerHTML = '<div id="root"></div>';
    const overlay = paintSnapshot(document, snapshot)!;
    expect(overlay.id).toBe(OVERLAY_ID);
    expect(overlay.getAttribute('aria-hidden')).toBe('true');
    expect(overlay.inert).toBe(true);
    const row = overlay.querySelector('.message-row') as HTMLElement;
    expect(row.style.transform).toBe('translateY(0px)');
    expect(overlay.querySelector('.message-text')?.textContent).toBe('Plan a trip to Lisbon');
    expect(overlay.querySelector('#root')).toBeNull();
  });

  it('never parses text as markup, and drops tags, attributes and styles a tampered snapshot adds', () => {
    const tree: SnapshotElement = {
      t: 'div',
      a: { class: 'app', onclick: 'alert(1)', id: 'root' },
      s: { background: 'url(https://example.com/x)', height: '10px' },
      c: [
        '<img src=x onerror=alert(1)>',
        { t: 'script', c: ['alert(1)'] },
        { t: 'a', a: { href: 'javascript:alert(1)' }, c: ['link'] },
        { t: 'input', a: { type: 'image', src: 'https://example.com/x' } },
        { t: 'div', s: { transform: 'url(javascript:x)' } },
      ],
    };
    const el = renderNode(document, tree) as HTMLElement;
    expect(el.getAttributeNames().sort()).toEqual(['class', 'style']);
    expect(el.getAttribute('style')).toBe('height: 10px;');
    expect(el.firstChild?.nodeType).toBe(Node.TEXT_NODE);
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(el.querySelectorAll('img, script')).toHaveLength(0);
    expect(el.querySelector('a')?.getAttributeNames()).toEqual([]);
    expect(el.querySelector('input')?.getAttributeNames()).toEqual([]);
    expect(el.querySelector('div')?.getAttributeNames()).toEqual([]);
  });
});

describe('storing the snapshot', () => {
  const stored = (): Snapshot => captureSnapshot(appView(['kept']), { account: null })!;

  it('reads back what was stored', () => {
    expect(storeSnapshot(serializeSnapshot(stored())!)).toBe(true);
    expect(readSnapshot()?.conversationId).toBe('c1');
    expect(parseSnapshot(localStorage.getItem(SNAPSHOT_KEY))).toEqual(readSnapshot());
  });

  it('after sign-out or "Clear all conversations" it is gone and this page stores none again', () => {
    storeSnapshot(serializeSnapshot(stored())!);
    forgetSnapshot();
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
    expect(storeSnapshot(serializeSnapshot(stored())!)).toBe(false);
    expect(localStorage.getItem(SNAPSHOT_KEY)).toBeNull();
  });
});
