// The client sync engine: decides when to sync (start, local changes,
// interval, network back, on demand, after backoff), lets only one tab talk
// to the server, and reports what it is doing as a subscribable status.
// The sync steps themselves are in push.ts and pull.ts; the bookkeeping is
// the adapter's (SyncSource).
import { ChatStorageError } from '../errors.js';
import { newId } from '../ids.js';
import type { RecordKind, RefusedRecord, StorageChange, SyncConflict } from '../types.js';
import type { SyncEngine, SyncEngineAdapter, SyncEngineOptions } from './api.js';
import { Backfill } from './backfill.js';
import { Backoff } from './backoff.js';
import { listConversations } from './bootstrap.js';
import { EncryptionLockedError, SyncEncryption } from './encryption.js';
import { defaultEnvironment, type SyncEnvironment } from './environment.js';
import { createSyncClient, normaliseServerUrl, type SyncClient, SyncRequestError } from './http.js';
import { indexedDbKeyStore } from './key-store.js';
import { electLeader, type Leadership } from './leader.js';
import { LiveEvents } from './live.js';
import { pullChanges } from './pull.js';
import { pushPending, type RejectedChange } from './push.js';
import { isStreamingChunk, PushPace } from './push-pace.js';
import { type StatusListener, StatusStore, type SyncEngineStatus, type SyncPhase } from './status.js';
import { openTabChannel, type TabChannel, type TabMessage } from './tabs.js';
import { type SyncTimers, systemTimers, Timer } from './timers.js';

export type { EncryptionControls, SyncEngine, SyncEngineAdapter, SyncEngineOptions } from './api.js';

/**
 * Bytes of changes per push: the server takes bodies up to 16 MiB (and a
 * record up to 4 MiB, so one always fits); the rest is room for the body's
 * own fields.
 */
const DEFAULT_MAX_BATCH_BYTES = 15 * 1024 * 1024;
/** The same with encryption on: a sealed record is about 4/3 of its JSON (base64url). */
const ENCRYPTED_MAX_BATCH_BYTES = 11 * 1024 * 1024;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  return new Engine(options);
}

class Engine implements SyncEngine {
  readonly client: SyncClient;
  readonly encryption: SyncEncryption;
  private readonly adapter: SyncEngineAdapter;
  private readonly timers: SyncTimers;
  private readonly env: SyncEnvironment;
  private readonly store: StatusStore;
  private readonly backoff: Backoff;
  private readonly intervalMs: number;
  private readonly live: LiveEvents | undefined;

  private token: string | null;
  private userId: string | undefined;
  private resetRequested = false;
  private started = false;
  private leadership: Leadership | undefined;
  private tabs: TabChannel | undefined;
  private cleanups: (() => void)[] = [];
  private rejected: RejectedChange[] = [];
  private countGeneration = 0;
  private cyclesStarted = 0;
  /** The cursor the last successful pull ended at. */
  private pulledCursor: string | undefined;

  private loop: Promise<void> | undefined;
  private rerun = false;
  private readonly followerRequests = new Map<string, (status: SyncEngineStatus) => void>();
  /** A fresh device's history download (bootstrap.ts, backfill.ts) and its running pass. */
  private readonly backfill: Backfill;
  private backfillRun: Promise<void> | undefined;
  /** A follower's prioritize calls the leader has not answered yet, by request id. */
  private readonly prioritizeRequests = new Map<string, { conversationId: string; resolve: () => void }>();

  private readonly pace: PushPace;
  private readonly intervalTimer: Timer;
  private readonly retryTimer: Timer;

  constructor(private readonly options: SyncEngineOptions) {
    if (!options?.adapter || typeof options.adapter.pendingChanges !== 'function') {
      throw new ChatStorageError(
        'invalid-input',
        'createSyncEngine needs an adapter that supports sync (one opened with openChatStorage).',
      );
    }
    this.adapter = options.adapter;
    this.timers = { ...systemTimers, ...options.timers };
    this.env = options.environment ?? defaultEnvironment();
    this.client = createSyncClient({
      serverUrl: options.serverUrl,
      fetch: options.fetch,
      timers: this.timers,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.backoff = new Backoff(this.timers.random, options.backoff);
    this.intervalMs = options.intervalMs ?? 30_000;
    this.token = options.token ?? null;
    this.userId = options.userId;
    this.store = new StatusStore({
      state: 'disabled',
      lastSyncedAt: null,
      conflicts: 0,
      rejected: 0,
      leader: false,
      backfill: null,
      live: false,
      encryption: 'unknown',
      quarantined: 0,
    });
    this.encryption = new SyncEncryption({
      client: this.client,
      keyStore: options.keyStore ?? indexedDbKeyStore(),
      adapter: {
        restampAll: () => this.adapter.restampAll(),
        getQuarantined: () => this.adapter.getQuarantined(),
        setQuarantined: (records) => this.adapter.setQuarantined(records),
        listProjects: this.adapter.listProjects?.bind(this.adapter),
      },
      now: this.timers.now,
      session: () => (this.token ? { token: this.token, userId: this.userId } : null),
      onChange: () => {
        this.store.update({ encryption: this.encryption.state, quarantined: this.encryption.quarantined });
        if (this.leadership?.isLeader) this.tabs?.post({ type: 'status', status: this.store.get() });
      },
      dismissed: () => this.tabs?.post({ type: 'quarantine' }),
      resume: async (key) => {
        this.tabs?.post(key ? { type: 'encryption', key } : { type: 'encryption' });
        await this.syncNow();
      },
    });
    this.backfill = new Backfill({
      ...options.backfill,
      adapter: this.adapter,
      // Sealing and opening records happens in the client: the download sees plain records.
      client: this.encryption.client,
      onProgress: (backfill) => {
        this.store.update({ backfill });
        if (this.leadership?.isLeader) this.tabs?.post({ type: 'status', status: this.store.get() });
      },
    });
    this.pace = new PushPace(this.timers, options, () => this.trigger('local'));
    this.live = options.live === false ? undefined : this.liveEvents();
    this.intervalTimer = new Timer(this.timers, () => this.onInterval());
    this.retryTimer = new Timer(this.timers, () => this.trigger('retry'));
  }

  getStatus = (): SyncEngineStatus => this.store.get();

  subscribe = (listener: StatusListener): (() => void) => this.store.subscribe(listener);

  getRejected(): RejectedChange[] {
    return [...this.rejected];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const name = this.adapter.clientId;
    this.tabs = openTabChannel(name, (message) => this.onTabMessage(message));
    this.leadership = electLeader({
      name,
      timers: this.timers,
      locks: this.options.locks,
      ...this.options.election,
    });
    this.cleanups.push(
      this.adapter.subscribe((change) => this.onStorageChange(change)),
      this.leadership.onChange((leader) => this.onLeadershipChange(leader)),
      this.env.on('online', () => {
        this.live?.reconnectNow();
        this.trigger('online');
      }),
      this.env.on('visible', () => this.trigger('visible')),
    );
    this.setPhase(this.token ? { state: 'syncing' } : { state: 'signed-out' });
    void this.refreshCounts();
    // Reports of records kept out survive reloads: count them again.
    void this.encryption.loadQuarantine().catch(() => undefined);
    if (this.leadership.isLeader) this.onLeadershipChange(true);
    else this.tabs.post({ type: 'status-request' });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.pace.cancel();
    this.live?.stop();
    this.intervalTimer.cancel();
    this.retryTimer.cancel();
    const running = this.loop;
    if (running) await running.catch(() => {});
    await this.backfillRun;
    this.backfill.release();
    for (const { resolve } of this.prioritizeRequests.values()) resolve();
    this.prioritizeRequests.clear();
    this.leadership?.resign();
    this.leadership = undefined;
    this.tabs?.close();
    this.tabs = undefined;
    this.store.update({ phase: { state: 'disabled' }, leader: false, backfill: null, live: false });
    this.answerFollowerRequests();
  }

  async syncNow(): Promise<SyncEngineStatus> {
    if (!this.started) return this.store.get();
    if (!this.leadership?.isLeader) return this.askLeader();
    this.retryTimer.cancel();
    await this.kick();
    return this.store.get();
  }

  async setToken(token: string | null, opts: { userId?: string } = {}): Promise<void> {
    // Signing out forgets the key this device remembered for the account.
    const forgetting = !token && this.token ? this.encryption.signedOut(this.userId) : undefined;
    this.acceptToken(token, opts.userId);
    await forgetting;
    this.tabs?.post({ type: 'token', token, userId: opts.userId });
    if (this.started && this.leadership?.isLeader && token) await this.kick();
  }

  async prioritize(conversationId: string): Promise<void> {
    if (!this.started) return;
    if (this.leadership?.isLeader) return this.backfill.prioritize(conversationId);
    // The leading tab downloads; it answers once the conversation is on this device.
    const requestId = newId();
    await new Promise<void>((resolve) => {
      this.prioritizeRequests.set(requestId, { conversationId, resolve });
      this.tabs?.post({ type: 'prioritize', requestId, conversationId });
    });
  }

  async listConflicts(): Promise<SyncConflict[]> {
    const conflicts = await this.adapter.listConflicts();
    this.store.update({ conflicts: conflicts.length });
    return conflicts;
  }

  async restoreConflict(conflictId: string): Promise<void> {
    await this.adapter.restoreConflict(conflictId);
    await this.listConflicts();
  }

  async dismissConflict(conflictId: string): Promise<void> {
    await this.adapter.dismissConflict(conflictId);
    await this.listConflicts();
  }

  async listRefused(): Promise<RefusedRecord[]> {
    const records = await this.adapter.listRefused();
    this.store.update({ rejected: records.filter((r) => r.state === 'refused').length });
    return records;
  }

  async keepLocalOnly(kind: RecordKind, id: string): Promise<void> {
    await this.adapter.keepLocalOnly(kind, id);
    await this.listRefused();
  }

  async retryRefused(kind: RecordKind, id: string): Promise<SyncEngineStatus> {
    await this.adapter.retryRefused(kind, id);
    await this.listRefused();
    return this.syncNow();
  }

  // ---- when to sync --------------------------------------------------------

  private trigger(reason: 'local' | 'interval' | 'retry' | 'online' | 'visible' | 'leader' | 'live'): void {
    if (!this.started || !this.leadership?.isLeader) return;
    // While backing off, only the retry timer and a returning network may call the server.
    if (
      this.retryTimer.due !== undefined &&
      (reason === 'local' || reason === 'interval' || reason === 'live')
    )
      return;
    if (reason === 'online' || reason === 'visible') this.retryTimer.cancel();
    void this.kick();
  }

  private onInterval(): void {
    // With the live stream open, the 5-minute pull runs hidden or not.
    if (this.env.isVisible() || this.live?.mode === 'open') this.trigger('interval');
    // Hidden pages sync again when they become visible ('visible' trigger).
    else this.intervalTimer.schedule(this.intervalMs);
  }

  private onStorageChange(change: StorageChange): void {
    // 'sync' writes are the engine's own; 'other-tab' ones may be a follower's edits.
    if (change.origin === 'sync') return;
    void this.refreshCounts();
    if (!this.leadership?.isLeader || !this.token) return;
    void isStreamingChunk(this.adapter, change).then((streaming) => this.pace.changed(streaming));
  }

  private onLeadershipChange(leader: boolean): void {
    this.store.update({ leader });
    if (!this.started) return;
    if (leader) {
      this.setPhase(this.token ? { state: 'syncing' } : { state: 'signed-out' });
      if (this.token) this.live?.start(this.token);
      this.trigger('leader');
      // syncNow calls made while this tab waited for the lead are answered by its own first sync.
      if (this.followerRequests.size > 0) {
        void this.kick().then(() => this.answerFollowerRequests());
      }
      // A leader that went away before answering leaves its prioritize requests to this tab.
      for (const [requestId, { conversationId, resolve }] of this.prioritizeRequests) {
        this.prioritizeRequests.delete(requestId);
        void this.backfill.prioritize(conversationId).then(resolve, resolve);
      }
    } else {
      this.pace.cancel();
      this.live?.stop();
      this.intervalTimer.cancel();
      this.retryTimer.cancel();
      this.tabs?.post({ type: 'status-request' });
    }
  }

  // ---- live events (live.ts) ----------------------------------------------

  private liveEvents(): LiveEvents {
    return new LiveEvents({
      ...(typeof this.options.live === 'object' ? this.options.live : {}),
      base: normaliseServerUrl(this.options.serverUrl),
      fetch: this.options.fetch ?? globalThis.fetch.bind(globalThis),
      timers: this.timers,
      onPull: (cursor, reason) => this.onLivePull(cursor, reason),
      onUnauthorized: (error) => void this.fail(error),
      onModeChange: (mode) => {
        this.store.update({ live: mode === 'open' });
        if (this.leadership?.isLeader) this.tabs?.post({ type: 'status', status: this.store.get() });
        // Without the stream, the periodic sync is what brings other devices' changes.
        if (mode !== 'open' && mode !== 'off' && this.token && this.leadership?.isLeader) {
          this.intervalTimer.scheduleNoLaterThan(this.intervalMs);
        }
      },
    });
  }

  private onLivePull(cursor: string | undefined, reason: 'event' | 'connected'): void {
    if (reason === 'connected') {
      // Events sent while the stream was down are lost: pull now.
      this.retryTimer.cancel();
      this.trigger('live');
      return;
    }
    // The engine's own push and the pull after it often got there first.
    const pulled = () => cursor !== undefined && cursor === this.pulledCursor;
    const running = this.loop;
    if (!running) {
      if (!pulled()) this.trigger('live');
      return;
    }
    const started = this.cyclesStarted;
    void running
      .catch(() => {})
      .then(() => {
        // A cycle that started after the event pulled what it announced.
        if (this.cyclesStarted === started && !pulled()) this.trigger('live');
      });
  }

  private nextIntervalMs(): number {
    return this.live?.mode === 'open' ? this.live.pollMs : this.intervalMs;
  }

  // ---- running -------------------------------------------------------------

  /** Runs a sync cycle now, or once more after the one in progress. */
  private kick(): Promise<void> {
    this.rerun = true;
    if (!this.loop) {
      this.loop = (async () => {
        try {
          while (this.rerun && this.started) {
            this.rerun = false;
            await this.cycle();
          }
        } finally {
          this.loop = undefined;
        }
      })();
    }
    return this.loop;
  }

  private async cycle(): Promise<void> {
    if (!this.leadership?.isLeader) return;
    const token = this.token;
    if (!token) {
      this.setPhase({ state: 'signed-out' });
      return;
    }
    this.cyclesStarted += 1;
    this.pace.pushing();
    this.retryTimer.cancel();
    this.intervalTimer.cancel();
    if (!this.env.isOnline()) {
      // Wait for the 'online' event, but look again now and then in case it never comes.
      await this.fail(new SyncRequestError('network-error', 'This device is offline.'));
      return;
    }
    this.setPhase({ state: 'syncing' });
    const active = () => this.started && this.token === token && !!this.leadership?.isLeader;
    const client = this.encryption.client;
    let encryption = this.encryption.state;
    try {
      if (this.resetRequested) {
        await this.adapter.resetSyncState();
        this.resetRequested = false;
      }
      encryption = await this.encryption.check(token);
      if (encryption === 'locked') {
        // Nothing goes out or comes in until this device is unlocked; local data stays as it is.
        this.setPhase({ state: 'locked', pending: await this.adapter.pendingCount() });
        return;
      }
      const pushed = await pushPending({
        adapter: this.adapter,
        client,
        token,
        batchSize: this.options.batchSize ?? 500,
        maxBatchBytes:
          this.options.maxBatchBytes ??
          (encryption === 'on' ? ENCRYPTED_MAX_BATCH_BYTES : DEFAULT_MAX_BATCH_BYTES),
        now: this.timers.now,
        shouldContinue: active,
      });
      this.recordPush(pushed.applied, pushed.rejected);
      // A device that never synced lists conversations first; the pull then starts at their snapshot.
      await listConversations({
        adapter: this.adapter,
        client,
        token,
        shouldContinue: active,
        pageLimit: this.options.backfill?.listLimit,
      });
      await pullChanges({
        adapter: this.adapter,
        client,
        token,
        // The server maximum: a fresh device needs half the round trips of the default page.
        limit: this.options.pullLimit ?? 1000,
        shouldContinue: active,
      });
      if (!active()) return;
      this.backoff.reset();
      this.store.update({ lastSyncedAt: this.timers.now() });
      await this.refreshCounts(true);
      this.intervalTimer.schedule(this.nextIntervalMs());
      // Kept in memory so that an event can be checked against it without a read.
      this.pulledCursor = await this.adapter.getCursor();
      this.startBackfill(token, active);
    } catch (error) {
      if (this.token !== token) return; // signed out or switched account meanwhile
      if (error instanceof EncryptionLockedError) {
        // The account's encryption changed under this cycle: read the keys again.
        const now = await this.encryption.check(token, true).catch(() => encryption);
        if (now === 'locked') {
          this.setPhase({ state: 'locked', pending: await this.adapter.pendingCount() });
          return;
        }
        if (now !== encryption) {
          this.rerun = true;
          return;
        }
      }
      await this.fail(error);
    }
  }

  /** Downloads the rest of a fresh device's history in the background, while syncing goes on. */
  private startBackfill(token: string, active: () => boolean): void {
    if (this.backfillRun) return;
    this.backfillRun = this.backfill.run(token, active).then(
      () => {
        this.backfillRun = undefined;
        // Stopped by a new sign-in while still downloading: resume under it now.
        if (this.backfill.active && this.started && this.token && this.leadership?.isLeader) void this.kick();
      },
      async (error) => {
        this.backfillRun = undefined;
        // The retry that fail() schedules resumes the download.
        if (active()) await this.fail(error);
      },
    );
  }

  private async fail(error: unknown): Promise<void> {
    if (error instanceof SyncRequestError && error.code === 'unauthorized') {
      // Stays signed out until setToken gives a new token.
      this.token = null;
      this.live?.stop();
      this.setPhase({ state: 'signed-out' });
      return;
    }
    const retryable = !(error instanceof SyncRequestError) || error.retryable;
    const delay = this.backoff.fail(error instanceof SyncRequestError ? error.retryAfterMs : undefined);
    // A refused request will not pass by itself: look again at the slow pace.
    const wait = retryable ? delay : Math.max(delay, this.intervalMs);
    this.retryTimer.schedule(wait);
    const retryAt = this.timers.now() + wait;
    const pending = await this.adapter.pendingCount().catch(() => currentPending(this.store.get()));
    if (error instanceof SyncRequestError && error.code === 'network-error') {
      this.setPhase({ state: 'offline', pending, retryAt });
    } else {
      const message =
        error instanceof Error ? error.message : `Sync failed: ${String(error)}. It will be retried.`;
      this.setPhase({ state: 'error', message, pending, retryAt });
    }
  }

  private recordPush(applied: { kind: string; id: string }[], rejected: RejectedChange[]): void {
    if (applied.length === 0 && rejected.length === 0) return;
    const accepted = new Set(applied.map((a) => `${a.kind}:${a.id}`));
    const fresh = new Set(rejected.map((r) => `${r.kind}:${r.id}`));
    this.rejected = [
      ...rejected,
      ...this.rejected.filter((r) => !accepted.has(`${r.kind}:${r.id}`) && !fresh.has(`${r.kind}:${r.id}`)),
    ];
  }

  /**
   * Re-reads the outbox size and conflict count. After a successful cycle
   * (`settled`), the phase becomes synced or pending; otherwise only the
   * numbers inside the current phase move.
   */
  private async refreshCounts(settled = false): Promise<void> {
    // pendingCount leaves out refused stamps: they wait for a new edit, not for a sync.
    let pending: number;
    let conflicts: number;
    let rejected: number;
    const generation = ++this.countGeneration;
    try {
      [pending, conflicts, rejected] = await Promise.all([
        this.adapter.pendingCount(),
        this.adapter.listConflicts().then((c) => c.length),
        this.adapter.refusedCount(),
      ]);
    } catch {
      return; // the adapter is closing; the next cycle reports any real problem
    }
    // Reads overlap during bursts of writes: only the latest may set the numbers.
    if (generation !== this.countGeneration && !settled) return;
    this.store.update({ conflicts, rejected });
    const phase = this.store.get();
    if (!this.started) return;
    if (settled || phase.state === 'synced' || phase.state === 'pending') {
      if (settled || phase.state !== 'synced' || pending > 0) {
        this.setPhase(pending > 0 ? { state: 'pending', count: pending } : { state: 'synced' });
      }
    } else if (phase.state === 'offline' || phase.state === 'error' || phase.state === 'locked') {
      this.setPhase({ ...phase, pending });
    }
  }

  private setPhase(phase: SyncPhase): void {
    this.store.update({ phase });
    if (this.leadership?.isLeader) this.tabs?.post({ type: 'status', status: this.store.get() });
  }

  // ---- tabs ----------------------------------------------------------------

  private acceptToken(token: string | null, userId: string | undefined): void {
    if (userId !== undefined && this.userId !== undefined && userId !== this.userId) {
      // Another account: its server knows nothing of this device's history.
      this.resetRequested = true;
      this.pulledCursor = undefined;
      this.encryption.reset();
    }
    if (!token) this.encryption.reset();
    if (userId !== undefined) this.userId = userId;
    this.token = token;
    if (!this.started) return;
    if (!token) {
      this.retryTimer.cancel();
      this.live?.stop();
      this.setPhase({ state: 'signed-out' });
    } else if (this.leadership?.isLeader) {
      this.backoff.reset();
      this.live?.start(token);
    }
  }

  private onTabMessage(message: TabMessage): void {
    if (!this.started) return;
    const leader = !!this.leadership?.isLeader;
    switch (message.type) {
      case 'status':
        if (!leader) this.store.replace({ ...message.status, leader: false });
        break;
      case 'status-request':
        if (leader) this.tabs?.post({ type: 'status', status: this.store.get() });
        break;
      case 'sync-request':
        if (leader) {
          this.retryTimer.cancel();
          void this.kick().then(() =>
            this.tabs?.post({ type: 'sync-done', requestId: message.requestId, status: this.store.get() }),
          );
        }
        break;
      case 'sync-done': {
        const resolve = this.followerRequests.get(message.requestId);
        if (resolve) {
          this.followerRequests.delete(message.requestId);
          if (!leader) this.store.replace({ ...message.status, leader: false });
          resolve(this.store.get());
        }
        break;
      }
      case 'prioritize':
        if (leader) {
          void this.backfill
            .prioritize(message.conversationId)
            .then(() => this.tabs?.post({ type: 'prioritized', requestId: message.requestId }));
        }
        break;
      case 'prioritized': {
        const request = this.prioritizeRequests.get(message.requestId);
        this.prioritizeRequests.delete(message.requestId);
        request?.resolve();
        break;
      }
      case 'token':
        this.acceptToken(message.token, message.userId);
        if (leader && message.token) void this.kick();
        break;
      case 'encryption':
        // Every tab keeps the key: any of them may lead later.
        if (message.key) this.encryption.offer(message.key);
        if (leader) void this.encryption.reload().then(() => this.kick());
        break;
      case 'quarantine':
        if (leader) void this.encryption.loadQuarantine().catch(() => undefined);
        break;
    }
  }

  private answerFollowerRequests(): void {
    const waiting = [...this.followerRequests.values()];
    this.followerRequests.clear();
    for (const resolve of waiting) resolve(this.store.get());
  }

  /** A follower's syncNow: the leader syncs; resolves with its status, or the current one after a timeout. */
  private askLeader(): Promise<SyncEngineStatus> {
    const requestId = newId();
    return new Promise((resolve) => {
      const timeout = this.timers.setTimeout(() => {
        this.followerRequests.delete(requestId);
        resolve(this.store.get());
      }, this.options.requestTimeoutMs ?? 30_000);
      this.followerRequests.set(requestId, (status) => {
        this.timers.clearTimeout(timeout);
        resolve(status);
      });
      this.tabs?.post({ type: 'sync-request', requestId });
    });
  }
}

function currentPending(status: SyncEngineStatus): number {
  switch (status.state) {
    case 'pending':
      return status.count;
    case 'offline':
    case 'error':
    case 'locked':
      return status.pending;
    default:
      return 0;
  }
}
