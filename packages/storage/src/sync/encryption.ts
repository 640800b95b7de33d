// End-to-end encrypted sync (DESIGN.md "End-to-end encryption"): where this
// device stands with the account's keys, and the wire client that the sync
// steps (push, pull, bootstrap, backfill) use, which seals what goes out and
// opens what comes in. The steps themselves never see a ciphertext.
//
// States: `unknown` until the account's keys were read; `off` (plaintext);
// `on` (this device holds the data key); `locked` (the account is encrypted
// and this device has no key yet: syncing waits, local data stays readable).
// A record that does not open is quarantined: kept out of the page, listed
// with what is wrong (stored with the sync state, so the report outlives a
// reload), never applied. The report goes once the record comes readable or
// the user dismisses it.
import {
  type CreatedKeys,
  createKeyMaterial,
  type DataKey,
  restoreDataKey,
  changePassphrase as rewrapPassphrase,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
} from '../crypto/index.js';
import type { AccountKeysResponse } from '../crypto/wire.js';
import { ChatStorageError } from '../errors.js';
import type { QuarantinedRecord, RecordChange, ServerRecordChange, SyncSource } from '../types.js';
import type { PushResult, SyncClient } from './http.js';
import type { KeyStore, RememberedKey } from './key-store.js';
import { isSealed, RecordSeal } from './record-seal.js';

export type EncryptionState = 'unknown' | 'off' | 'on' | 'locked';

/** The passphrase, or the recovery key as typed. */
export type UnlockSecret = { passphrase: string } | { recoveryKey: string };

/** Keys made on this device, not yet on the server: show `recoveryKey`, then `turnOn`. */
export interface PreparedEncryption {
  /** Shown once for the user to write down and confirm. */
  readonly recoveryKey: string;
  /**
   * Stores the keys on the server (which then refuses plaintext) and
   * re-encrypts every record under newer stamps. `remember` (default true)
   * keeps the key on this device across reloads.
   */
  turnOn(opts?: { remember?: boolean }): Promise<void>;
}

/** The account is encrypted and this device cannot read it yet. */
export class EncryptionLockedError extends ChatStorageError {
  constructor() {
    super(
      'encryption-locked',
      'This account is encrypted: enter your passphrase to keep syncing. Your data on this device stays readable.',
    );
  }
}

/** How often the keys are read again while syncing, to notice another device turning encryption on or off. */
const CHECK_EVERY_MS = 60_000;
/** Quarantine reports kept (the newest). */
const MAX_QUARANTINED = 1000;

export interface SyncEncryptionOptions {
  /** The plain wire client. */
  client: SyncClient;
  keyStore: KeyStore;
  adapter: Pick<SyncSource, 'restampAll' | 'getQuarantined' | 'setQuarantined'> & {
    listProjects?(): Promise<string[]>;
  };
  now: () => number;
  /** The signed-in session, or null. */
  session(): { token: string; userId: string | undefined } | null;
  /** State or quarantine changed. */
  onChange(): void;
  /** The user dismissed reports in this tab: the other tabs read them again. */
  dismissed(): void;
  /**
   * Keys changed here: sync now (and let the other tabs know). `key` is the
   * data key this tab now holds, for the other tabs of this device: the
   * syncing tab may not be this one, and the key may not be remembered.
   */
  resume(key?: SharedKey): Promise<void>;
}

/** An unlocked data key passed to another tab of this device: still non-extractable, never stored. */
export interface SharedKey extends RememberedKey {
  userId: string | undefined;
}

export class SyncEncryption {
  private current: EncryptionState = 'unknown';
  private seal: RecordSeal | undefined;
  private keys: AccountKeysResponse | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** The key check of the last key this device held, also while locked out of a replaced one. */
  private heldCheck: string | undefined;
  /** A key another tab of this device unlocked (perhaps without remembering it), for this page's life. */
  private offered: RememberedKey | undefined;
  /** The stored reports as last read or written here, by `kind:id`, oldest first. */
  private quarantine = new Map<string, QuarantinedRecord>();
  /** Report updates run one after another: each reads what is stored, changes it, and writes it back. */
  private saving: Promise<void> = Promise.resolve();
  /** The client the sync steps use: sealing and opening records as the state says. */
  readonly client: SyncClient;

  constructor(private readonly opts: SyncEncryptionOptions) {
    this.client = this.wrap(opts.client);
  }

  get state(): EncryptionState {
    return this.current;
  }

  get quarantined(): number {
    return this.quarantine.size;
  }

  /** Records kept out because they could not be opened, newest first (as stored: any tab may list them). */
  async listQuarantined(): Promise<QuarantinedRecord[]> {
    await this.saving;
    return (await this.opts.adapter.getQuarantined()).reverse();
  }

  /** Forgets the report of one record, or every report when none is named. */
  async dismissQuarantined(record?: { kind: string; id: string }): Promise<void> {
    await this.updateQuarantine((stored) => {
      if (record) stored.delete(reportKey(record));
      else stored.clear();
    });
    this.opts.dismissed();
  }

  /** Reads the stored reports again (at start, and when another tab dismissed some). */
  loadQuarantine(): Promise<void> {
    return this.updateQuarantine();
  }

  /**
   * Reads the account's keys when they were never read, are locked, or were
   * read more than a minute ago (`force`: now), and settles the state: a
   * remembered key of this account unlocks without asking.
   */
  async check(token: string, force = false): Promise<EncryptionState> {
    const fresh = this.opts.now() - this.checkedAt < CHECK_EVERY_MS;
    if (!force && fresh && (this.current === 'on' || this.current === 'off')) return this.current;
    await this.adopt(await this.opts.client.accountKeys(token));
    return this.current;
  }

  /** A new account signed in: nothing of the previous one's keys applies. */
  reset(): void {
    this.keys = undefined;
    this.seal = undefined;
    this.heldCheck = undefined;
    this.offered = undefined;
    this.checkedAt = Number.NEGATIVE_INFINITY;
    if (this.quarantine.size > 0) {
      this.quarantine.clear();
      void this.updateQuarantine((stored) => stored.clear()).catch(() => undefined);
    }
    this.setState('unknown');
  }

  /** Signed out: the remembered key is forgotten. */
  async signedOut(userId: string | undefined): Promise<void> {
    this.reset();
    await this.opts.keyStore.forget(userId).catch(() => undefined);
  }

  /** Another tab of this device unlocked: keep its key in memory, to use when the account's key check matches. */
  offer(key: SharedKey): void {
    const userId = this.opts.session()?.userId;
    if (key.userId === userId) this.offered = { base: key.base, check: key.check };
  }

  /**
   * Another tab changed the keys (unlocked, turned encryption on or off):
   * read them again, with the key it may have offered or remembered.
   */
  async reload(): Promise<void> {
    const session = this.opts.session();
    this.checkedAt = Number.NEGATIVE_INFINITY;
    if (session) await this.check(session.token, true).catch(() => undefined);
  }

  // ---- what the user does --------------------------------------------------

  /**
   * Makes new keys for `passphrase` (PBKDF2 with `iterations`, default
   * DEFAULT_PBKDF2_ITERATIONS). Refused when the account already has keys, unless `replace`:
   * for an account whose passphrase and recovery key are both lost, the
   * server copy is then replaced from this device (records encrypted under
   * the lost key stay unreadable).
   */
  async prepare(
    passphrase: string,
    opts: { iterations?: number; replace?: boolean } = {},
  ): Promise<PreparedEncryption> {
    const { token, userId } = this.signedIn();
    const keys = await this.opts.client.accountKeys(token);
    if (keys.keys && !opts.replace) {
      throw new ChatStorageError(
        'invalid-input',
        'This account already has end-to-end encryption keys: unlock with its passphrase or recovery key instead.',
      );
    }
    const created = await createKeyMaterial(passphrase, { iterations: opts.iterations });
    return {
      recoveryKey: created.recoveryKey,
      turnOn: ({ remember = true } = {}) => this.turnOn(token, userId, keys.revision, created, remember),
    };
  }

  private async turnOn(
    token: string,
    userId: string | undefined,
    previous: number,
    created: CreatedKeys,
    remember: boolean,
  ): Promise<void> {
    const stored = await this.opts.client.putAccountKeys(token, {
      keys: created.material,
      encrypted: true,
      previous,
    });
    await this.holdKey(created.dataKey, userId, remember);
    this.keys = stored;
    this.checkedAt = this.opts.now();
    this.setState('on');
    // Newer stamps, so that the server replaces its plaintext with the ciphertext.
    await this.opts.adapter.restampAll();
    await this.opts.resume(shared(created.dataKey, userId));
  }

  /** Unlocks with the passphrase or the recovery key ('wrong-passphrase', 'wrong-recovery-key' when it does not fit). */
  async unlock(secret: UnlockSecret, opts: { remember?: boolean } = {}): Promise<void> {
    const { token, userId } = this.signedIn();
    const keys = await this.opts.client.accountKeys(token);
    if (!keys.keys || !keys.encrypted) {
      await this.adopt(keys);
      await this.opts.resume();
      return;
    }
    const dataKey =
      'passphrase' in secret
        ? await unlockWithPassphrase(keys.keys, secret.passphrase)
        : await unlockWithRecoveryKey(keys.keys, secret.recoveryKey);
    // The account's keys were replaced since this device last held one: what it
    // pushed went under the lost key, so it sends everything again.
    const replaced = this.heldCheck !== undefined && this.heldCheck !== dataKey.check;
    await this.holdKey(dataKey, userId, opts.remember ?? true);
    await this.adopt(keys);
    if (replaced) await this.opts.adapter.restampAll();
    await this.opts.resume(shared(dataKey, userId));
  }

  /** A new passphrase: only the passphrase's copy of the data key is wrapped again. */
  async changePassphrase(
    current: UnlockSecret,
    next: string,
    opts: { iterations?: number } = {},
  ): Promise<void> {
    const { token } = this.signedIn();
    const keys = await this.opts.client.accountKeys(token);
    if (!keys.keys) {
      throw new ChatStorageError('invalid-input', 'This account has no end-to-end encryption to change.');
    }
    const material = await rewrapPassphrase(keys.keys, current, next, opts);
    this.keys = await this.opts.client.putAccountKeys(token, {
      keys: material,
      encrypted: keys.encrypted,
      previous: keys.revision,
    });
  }

  /**
   * Turns encryption off: the server forgets the keys and takes plaintext
   * again, and every record is sent again in plaintext. Needs this device
   * unlocked (it must be able to read what it sends).
   */
  async turnOff(): Promise<void> {
    const { token, userId } = this.signedIn();
    if (this.current !== 'on') {
      throw new ChatStorageError(
        'encryption-locked',
        'Unlock encryption on this device before turning it off: the records it sends must be readable here.',
      );
    }
    const keys = await this.opts.client.accountKeys(token);
    this.keys = await this.opts.client.deleteAccountKeys(token, keys.revision);
    this.seal = undefined;
    this.checkedAt = this.opts.now();
    this.setState('off');
    if (userId !== undefined) await this.opts.keyStore.forget(userId);
    await this.opts.adapter.restampAll();
    await this.opts.resume();
  }

  // ---- internals -------------------------------------------------------------

  private signedIn(): { token: string; userId: string | undefined } {
    const session = this.opts.session();
    if (!session) {
      throw new ChatStorageError(
        'invalid-input',
        'Sign in to sync first: encryption belongs to a sync account.',
      );
    }
    return session;
  }

  private async holdKey(dataKey: DataKey, userId: string | undefined, remember: boolean): Promise<void> {
    this.seal = new RecordSeal(dataKey);
    this.heldCheck = dataKey.check;
    if (userId === undefined) return;
    if (remember) await this.opts.keyStore.save(userId, { base: dataKey.base, check: dataKey.check });
    else await this.opts.keyStore.forget(userId);
  }

  /** Settles the state from the server's answer and the key this device holds or remembered. */
  private async adopt(keys: AccountKeysResponse): Promise<void> {
    this.keys = keys;
    this.checkedAt = this.opts.now();
    const userId = this.opts.session()?.userId;
    if (!keys.encrypted || !keys.keys) {
      this.seal = undefined;
      if (userId !== undefined) await this.opts.keyStore.forget(userId).catch(() => undefined);
      this.setState('off');
      return;
    }
    const check = keys.keys.keyCheck;
    if (this.seal?.key.check !== check) {
      this.seal = undefined;
      const remembered =
        this.offered?.check === check
          ? this.offered
          : userId === undefined
            ? undefined
            : await this.opts.keyStore.load(userId);
      if (remembered?.check === check) {
        const restored = await restoreDataKey(remembered.base);
        // The stored key must still be what it says it is.
        if (restored.check === check) {
          this.seal = new RecordSeal(restored);
          this.heldCheck ??= check;
        }
      }
    }
    this.setState(this.seal ? 'on' : 'locked');
  }

  private setState(state: EncryptionState): void {
    if (state === this.current) return;
    this.current = state;
    this.opts.onChange();
  }

  private report(change: ServerRecordChange, failure: QuarantinedRecord['failure'], message: string) {
    const { kind, id, hlc, version } = change;
    return { kind, id, hlc, version, failure, message, at: this.opts.now() } satisfies QuarantinedRecord;
  }

  /**
   * Stores new reports and drops those of records that came readable. Only
   * touches the database when something changes: most pages have nothing to report.
   */
  private async settleQuarantine(
    reports: QuarantinedRecord[],
    readable: ServerRecordChange[],
  ): Promise<void> {
    const cleared = readable.filter((c) => this.quarantine.has(reportKey(c)));
    if (reports.length === 0 && cleared.length === 0) return;
    await this.updateQuarantine((stored) => {
      for (const change of cleared) stored.delete(reportKey(change));
      for (const report of reports) {
        stored.delete(reportKey(report));
        stored.set(reportKey(report), report);
      }
    });
  }

  /** Reads the stored reports and, given `change`, edits them and writes them back. */
  private updateQuarantine(change?: (stored: Map<string, QuarantinedRecord>) => void): Promise<void> {
    const run = this.saving.then(async () => {
      const stored = new Map((await this.opts.adapter.getQuarantined()).map((r) => [reportKey(r), r]));
      if (change) {
        change(stored);
        for (const oldest of stored.keys()) {
          if (stored.size <= MAX_QUARANTINED) break;
          stored.delete(oldest);
        }
        await this.opts.adapter.setQuarantined([...stored.values()]);
      }
      const before = this.quarantine.size;
      this.quarantine = stored;
      if (before !== 0 || stored.size !== 0) this.opts.onChange();
    });
    this.saving = run.catch(() => undefined);
    return run;
  }

  /** The records of a pulled page that may be applied; the others are quarantined. */
  private async openAll(
    token: string,
    changes: ServerRecordChange[],
    rechecked = false,
  ): Promise<ServerRecordChange[]> {
    const sealed = (c: ServerRecordChange) => !c.deleted && isSealed(c.data);
    const plain = (c: ServerRecordChange) => !c.deleted && !isSealed(c.data);
    if (this.current !== 'on' && changes.some(sealed)) {
      // Another device turned encryption on since the keys were read.
      await this.check(token, true);
      if (this.current === 'locked') throw new EncryptionLockedError();
    } else if (this.current === 'on' && changes.some(plain)) {
      // Perhaps another device turned it off and sent plaintext again.
      await this.check(token, true);
    }
    const seal = this.current === 'on' ? this.seal : undefined;
    if (!seal) {
      // Encryption is off: a sealed record left by a device that has not noticed yet cannot be read.
      const reports = changes
        .filter(sealed)
        .map((change) =>
          this.report(
            change,
            'malformed',
            `The ${change.kind} ${JSON.stringify(change.id)} is encrypted under keys this account no longer has; it was not applied.`,
          ),
        );
      const kept = changes.filter((c) => !sealed(c));
      await this.settleQuarantine(reports, kept);
      return kept;
    }
    if (changes.some((c) => c.deleted && !seal.knows(c.projectId)) && this.opts.adapter.listProjects) {
      await seal.learn(await this.opts.adapter.listProjects());
    }
    const opened = await seal.openAll(changes);
    if (!rechecked && opened.some((r) => !r.ok && r.failure === 'authentication-failed')) {
      // Perhaps the account got new keys (replaced from another device): read them before blaming the records.
      await this.check(token, true);
      if (this.current === 'locked') throw new EncryptionLockedError();
      if (this.seal !== seal) return this.openAll(token, changes, true);
    }
    const kept: ServerRecordChange[] = [];
    const reports: QuarantinedRecord[] = [];
    opened.forEach((result, i) => {
      if (result.ok) kept.push(result.change);
      else reports.push(this.report(changes[i]!, result.failure, result.message));
    });
    // A readable version replaces whatever was quarantined of the record.
    await this.settleQuarantine(reports, kept);
    return kept;
  }

  private wrap(raw: SyncClient): SyncClient {
    return {
      ...raw,
      push: async (token, body) => {
        const seal = this.current === 'on' ? this.seal : undefined;
        const changes = seal ? await seal.sealAll(body.changes as RecordChange[]) : body.changes;
        const response = await raw.push(token, { ...body, changes });
        // Plaintext refused: the account was encrypted meanwhile. Nothing is marked refused;
        // the engine reads the keys again and sends these once unlocked.
        if (response.results.some((r) => r.status === 'rejected' && r.code === 'encryption-required')) {
          throw new EncryptionLockedError();
        }
        const results = await Promise.all(response.results.map((r) => this.openCurrent(token, r)));
        return { ...response, results };
      },
      pull: async (token, since, limit) => {
        const page = await raw.pull(token, since, limit);
        return { ...page, changes: await this.openAll(token, page.changes) };
      },
      conversations: async (token, page) => {
        const first = await raw.conversations(token, page);
        const { changes, hasMore } = await this.openPages(token, first, (after) =>
          raw.conversations(token, { ...page, after }),
        );
        return hasMore === undefined ? { ...first, changes } : { ...first, changes, hasMore };
      },
      conversationMessages: async (token, conversationId, after, limit) => {
        const first = await raw.conversationMessages(token, conversationId, after, limit);
        const { changes, hasMore } = await this.openPages(token, first, (next) =>
          raw.conversationMessages(token, conversationId, next, limit),
        );
        return { changes, hasMore: hasMore ?? false };
      },
      // Goes on from the server's last id (`goOn`), so a quarantined record cannot cut the read short.
      latestMessages: async (token, conversationId, before, limit) => {
        const page = await raw.latestMessages(token, conversationId, before, limit);
        return { ...page, changes: await this.openAll(token, page.changes) };
      },
      // Resumes at the server's `next`, so a quarantined record cannot cut the download short.
      messagesOfMany: async (token, read) => {
        const page = await raw.messagesOfMany(token, read);
        return { ...page, changes: await this.openAll(token, page.changes) };
      },
    };
  }

  /**
   * Opens a page read by id. The reader pages on after the last id it got:
   * when that one was quarantined, the next page is read here, so that a
   * page the reader gets never ends before the server's did.
   */
  private async openPages(
    token: string,
    first: { changes: ServerRecordChange[]; hasMore?: boolean },
    next: (after: string) => Promise<{ changes: ServerRecordChange[]; hasMore?: boolean }>,
  ): Promise<{ changes: ServerRecordChange[]; hasMore?: boolean }> {
    const changes: ServerRecordChange[] = [];
    let page = first;
    for (;;) {
      const opened = await this.openAll(token, page.changes);
      changes.push(...opened);
      const last = page.changes[page.changes.length - 1];
      if (page.hasMore !== true || !last || opened[opened.length - 1]?.id === last.id) {
        return { changes, hasMore: page.hasMore };
      }
      page = await next(last.id);
    }
  }

  /** A stale result's `current`, opened; left out when it cannot be (the pull reports it). */
  private async openCurrent(token: string, result: PushResult): Promise<PushResult> {
    const current = result.current;
    if (!current || 'truncated' in current) return result;
    const [opened] = await this.openAll(token, [current]);
    if (opened) return { ...result, current: opened };
    const { current: _c, ...rest } = result;
    return rest;
  }
}

function shared(key: DataKey, userId: string | undefined): SharedKey {
  return { base: key.base, check: key.check, userId };
}

function reportKey(record: { kind: string; id: string }): string {
  return `${record.kind}:${record.id}`;
}
