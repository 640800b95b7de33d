import { describe, expect, it } from 'vitest';
import {
  accountOf,
  conversationToOpen,
  type PageAtStart,
  parseSnapshot,
  SNAPSHOT_VERSION,
  type Snapshot,
  snapshotToPaint,
} from './format.js';

const ui = (projectId: string, activeByProject: Record<string, string | null>) =>
  JSON.stringify({ state: { projectId, knownProjects: [projectId], activeByProject }, version: 0 });
const sync = (userId: string | null, serverUrl = 'http://127.0.0.1:8787') =>
  JSON.stringify({
    state: { serverUrl, account: userId ? { userId, username: 'u', token: 't' } : null },
    version: 0,
  });

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({
  v: SNAPSHOT_VERSION,
  conversationId: 'c1',
  account: null,
  width: 1280,
  height: 800,
  scrollTop: 120,
  savedAt: 1,
  tree: { t: 'div', a: { class: 'app' } },
  ...over,
});

const page = (over: Partial<PageAtStart> = {}): PageAtStart => ({
  pathname: '/',
  width: 1280,
  height: 800,
  snapshotRaw: JSON.stringify(snapshot()),
  uiRaw: ui('default', { default: 'c1' }),
  syncRaw: null,
  ...over,
});

describe('which conversation a start opens', () => {
  it('a /c/<id> link names it, escaped or not', () => {
    expect(conversationToOpen('/c/abc', null)).toBe('abc');
    expect(conversationToOpen('/c/a%20b/', ui('default', { default: 'other' }))).toBe('a b');
  });

  it('a project page is a new chat, and a malformed link opens nothing known', () => {
    expect(conversationToOpen('/p/default', ui('default', { default: 'c1' }))).toBeUndefined();
    expect(conversationToOpen('/c/%E0%A4%A', null)).toBeUndefined();
    expect(conversationToOpen('/settings', ui('default', { default: 'c1' }))).toBeUndefined();
  });

  it('the start page opens the one last open in the open project', () => {
    expect(conversationToOpen('/', ui('work', { default: 'c1', work: 'c2' }))).toBe('c2');
    expect(conversationToOpen('/', ui('work', { default: 'c1', work: null }))).toBeUndefined();
    expect(conversationToOpen('/', null)).toBeUndefined();
    expect(conversationToOpen('/', '{not json')).toBeUndefined();
  });
});

describe('the sync account a snapshot belongs to', () => {
  it('is the server and user id of the signed-in account, or null', () => {
    expect(accountOf(sync('u1'))).toBe('http://127.0.0.1:8787#u1');
    expect(accountOf(sync(null))).toBeNull();
    expect(accountOf(null)).toBeNull();
    expect(accountOf('garbage')).toBeNull();
  });
});

describe('reading a stored snapshot', () => {
  it('accepts only this version with every field in place', () => {
    expect(parseSnapshot(JSON.stringify(snapshot()))).toEqual(snapshot());
    expect(parseSnapshot(JSON.stringify({ ...snapshot(), v: 0 }))).toBeUndefined();
    expect(parseSnapshot(JSON.stringify({ ...snapshot(), conversationId: '' }))).toBeUndefined();
    expect(parseSnapshot(JSON.stringify({ ...snapshot(), tree: 'text' }))).toBeUndefined();
    expect(parseSnapshot('{"v":1')).toBeUndefined();
    expect(parseSnapshot(null)).toBeUndefined();
  });
});

describe('the snapshot a start paints', () => {
  it('is the one of the conversation about to open, in the same account and window size', () => {
    expect(snapshotToPaint(page())).toEqual(snapshot());
    expect(snapshotToPaint(page({ pathname: '/c/c1' }))).toEqual(snapshot());
  });

  it('never for a link to another conversation, a new chat or another open conversation', () => {
    expect(snapshotToPaint(page({ pathname: '/c/c2' }))).toBeUndefined();
    expect(snapshotToPaint(page({ pathname: '/p/default' }))).toBeUndefined();
    expect(snapshotToPaint(page({ uiRaw: ui('default', { default: 'c2' }) }))).toBeUndefined();
    expect(snapshotToPaint(page({ uiRaw: ui('default', { default: null }) }))).toBeUndefined();
  });

  it('never across accounts: taken signed out, or under another user or server', () => {
    const signedIn = JSON.stringify(snapshot({ account: 'http://127.0.0.1:8787#u1' }));
    expect(snapshotToPaint(page({ snapshotRaw: signedIn, syncRaw: sync('u1') }))).toBeDefined();
    expect(snapshotToPaint(page({ snapshotRaw: signedIn, syncRaw: sync('u2') }))).toBeUndefined();
    expect(snapshotToPaint(page({ snapshotRaw: signedIn, syncRaw: sync(null) }))).toBeUndefined();
    expect(
      snapshotToPaint(page({ snapshotRaw: signedIn, syncRaw: sync('u1', 'https://other.example') })),
    ).toBeUndefined();
    expect(snapshotToPaint(page({ syncRaw: sync('u1') }))).toBeUndefined();
  });

  it('never in a window of another size (rows are placed by pixel)', () => {
    expect(snapshotToPaint(page({ width: 1000 }))).toBeUndefined();
    expect(snapshotToPaint(page({ height: 700 }))).toBeUndefined();
    expect(snapshotToPaint(page({ width: 1280.5 }))).toBeDefined();
  });
});
