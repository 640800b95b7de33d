import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_MESSAGES_MARK,
  afterFirstPaint,
  FIRST_MESSAGE_MARK,
  FIRST_PAINT_FALLBACK_MS,
  isFirstPaintDone,
  reportMainViewCommitted,
  resetFirstPaintForTests,
  whenMainViewPainted,
} from './first-paint.js';

/** Runs the frame callback, then the task queued from it (the paint lies between them). */
async function paintFrame() {
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const marks = () => performance.getEntriesByName(FIRST_MESSAGE_MARK);

beforeEach(() => {
  resetFirstPaintForTests();
  performance.clearMarks(FIRST_MESSAGE_MARK);
  performance.clearMarks(APP_MESSAGES_MARK);
});
afterEach(() => vi.useRealTimers());

describe('the first paint of the main view', () => {
  it('holds deferred work until the committed view has been painted', async () => {
    const ran = vi.fn();
    afterFirstPaint(ran);
    expect(ran).not.toHaveBeenCalled();
    reportMainViewCommitted(true);
    expect(ran).not.toHaveBeenCalled();
    expect(marks()).toHaveLength(0);
    await vi.waitFor(() => expect(ran).toHaveBeenCalledOnce());
    expect(isFirstPaintDone()).toBe(true);
  });

  it('marks chatkeep:first-message once, and only when message rows were painted', async () => {
    reportMainViewCommitted(true);
    await vi.waitFor(() => expect(isFirstPaintDone()).toBe(true));
    reportMainViewCommitted(true);
    await paintFrame();
    expect(marks()).toHaveLength(1);

    resetFirstPaintForTests();
    performance.clearMarks(FIRST_MESSAGE_MARK);
    reportMainViewCommitted(false);
    await vi.waitFor(() => expect(isFirstPaintDone()).toBe(true));
    expect(marks()).toHaveLength(0);
  });

  it("after a first-paint snapshot set chatkeep:first-message, marks only the app's own rows", async () => {
    performance.mark(FIRST_MESSAGE_MARK);
    const snapshotPainted = marks()[0]!.startTime;
    reportMainViewCommitted(true);
    await vi.waitFor(() => expect(isFirstPaintDone()).toBe(true));
    expect(marks()).toHaveLength(1);
    expect(marks()[0]!.startTime).toBe(snapshotPainted);
    const own = performance.getEntriesByName(APP_MESSAGES_MARK);
    expect(own).toHaveLength(1);
    expect(own[0]!.startTime).toBeGreaterThanOrEqual(snapshotPainted);
  });

  it('runs work asked for after the first paint at once', async () => {
    reportMainViewCommitted(false);
    await vi.waitFor(() => expect(isFirstPaintDone()).toBe(true));
    const ran = vi.fn();
    afterFirstPaint(ran);
    expect(ran).toHaveBeenCalledOnce();
  });

  it('tells who waits for the main view itself when it is painted, never on the fallback', async () => {
    vi.useFakeTimers();
    const painted = vi.fn();
    whenMainViewPainted(painted);
    afterFirstPaint(() => {});
    vi.advanceTimersByTime(FIRST_PAINT_FALLBACK_MS);
    expect(isFirstPaintDone()).toBe(true);
    expect(painted).not.toHaveBeenCalled();
    vi.useRealTimers();
    reportMainViewCommitted(false);
    await vi.waitFor(() => expect(painted).toHaveBeenCalledOnce());
  });

  it('starts the deferred work anyway when the main view never reports', () => {
    vi.useFakeTimers();
    const ran = vi.fn();
    afterFirstPaint(ran);
    vi.advanceTimersByTime(FIRST_PAINT_FALLBACK_MS - 1);
    expect(ran).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ran).toHaveBeenCalledOnce();
  });
});
