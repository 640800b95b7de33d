// Settings › Sync › End-to-end encryption, once signed in: turn it on (a
// passphrase, then the recovery key shown once and confirmed by typing its
// last group back), change the passphrase, turn it off after confirming;
// on a device that has not unlocked an encrypted account, the passphrase or
// recovery key prompt, and, when both are lost, replacing the server copy.
// All of it calls engine.encryption (@chatkeep/storage); nothing is kept here.
import type { PreparedEncryption } from '@chatkeep/storage';
import { type FormEvent, useState } from 'react';
import { getSyncRuntime, useSyncStatus } from './sync-service.js';

type Panel =
  | { step: 'closed' }
  | { step: 'passphrase'; replace: boolean }
  | { step: 'recovery'; prepared: PreparedEncryption }
  | { step: 'change' }
  | { step: 'turn-off' }
  | { step: 'lost' };

/** What the user must type back: the recovery key's last group of four. */
export function confirmationPart(recoveryKey: string): string {
  return recoveryKey.split('-').pop() ?? '';
}

export function EncryptionSection() {
  const status = useSyncStatus();
  const state = status.encryption ?? 'unknown';
  const [panel, setPanel] = useState<Panel>({ step: 'closed' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const controls = () => {
    const encryption = getSyncRuntime()?.encryption();
    if (!encryption) throw new Error('Turn sync on first: encryption belongs to the sync account.');
    return encryption;
  };
  const close = (message?: string) => {
    setPanel({ step: 'closed' });
    setError(undefined);
    setNotice(message);
  };

  const locked = state === 'locked';
  return (
    <div className="encryption-settings">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={state === 'on' || locked || panel.step === 'passphrase' || panel.step === 'recovery'}
          disabled={busy || state === 'unknown' || locked}
          onChange={(e) => {
            setNotice(undefined);
            setError(undefined);
            if (e.target.checked) setPanel({ step: 'passphrase', replace: false });
            else if (state === 'on') setPanel({ step: 'turn-off' });
            else setPanel({ step: 'closed' });
          }}
        />
        <span>End-to-end encryption</span>
      </label>
      <p className="muted">
        {state === 'on'
          ? 'On: titles, messages and tool data are encrypted on this device before they reach the sync server.'
          : 'Encrypts everything on your devices before it reaches the sync server, with a passphrase only you know.'}
      </p>
      {locked && panel.step === 'closed' && <UnlockForm onLost={() => setPanel({ step: 'lost' })} />}
      {state === 'on' && panel.step === 'closed' && (
        <button type="button" className="ghost-button" onClick={() => setPanel({ step: 'change' })}>
          Change passphrase
        </button>
      )}

      {panel.step === 'passphrase' && (
        <NewPassphraseForm
          busy={busy}
          submitLabel="Continue"
          onCancel={() => close()}
          onSubmit={(passphrase) =>
            run(async () => {
              const prepared = await controls().prepare(passphrase, { replace: panel.replace });
              setPanel({ step: 'recovery', prepared });
            })
          }
        />
      )}
      {panel.step === 'recovery' && (
        <RecoveryKeyConfirmation
          recoveryKey={panel.prepared.recoveryKey}
          busy={busy}
          onCancel={() => close()}
          onConfirm={() =>
            run(async () => {
              await panel.prepared.turnOn({ remember: true });
              close(
                'End-to-end encryption is on. Your conversations are being encrypted and uploaded again; other devices will ask for the passphrase.',
              );
            })
          }
        />
      )}
      {panel.step === 'change' && (
        <ChangePassphraseForm
          busy={busy}
          onCancel={() => close()}
          onSubmit={(current, next) =>
            run(async () => {
              await controls().changePassphrase({ passphrase: current }, next);
              close('Passphrase changed. Other devices keep syncing; use the new passphrase from now on.');
            })
          }
        />
      )}
      {panel.step === 'turn-off' && (
        <fieldset className="encryption-panel" aria-label="Turn off encryption">
          <p>
            Turn off end-to-end encryption? Every conversation is uploaded again unencrypted, and the sync
            server can read it from then on.
          </p>
          <div className="sync-form-buttons">
            <button
              type="button"
              className="danger-button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await controls().turnOff();
                  close('End-to-end encryption is off. Conversations are uploaded again unencrypted.');
                })
              }
            >
              Turn off encryption
            </button>
            <button type="button" className="ghost-button" onClick={() => close()}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
      {panel.step === 'lost' && (
        <fieldset className="encryption-panel" aria-label="Lost passphrase and recovery key">
          <p>
            Without the passphrase or the recovery key, the copy on the sync server cannot be read by anyone,
            you included. You can replace it with what this device holds: conversations that are only on other
            devices are then lost to this account.
          </p>
          <div className="sync-form-buttons">
            <button
              type="button"
              className="danger-button"
              onClick={() => setPanel({ step: 'passphrase', replace: true })}
            >
              Replace the server copy
            </button>
            <button type="button" className="ghost-button" onClick={() => close()}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="sync-notice" role="status">
          {notice}
        </p>
      )}
    </div>
  );
}

function UnlockForm({ onLost }: { onLost(): void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const encryption = getSyncRuntime()?.encryption();
      if (!encryption) throw new Error('Turn sync on first.');
      await encryption.unlock(useRecovery ? { recoveryKey: secret } : { passphrase: secret }, { remember });
      setSecret('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const label = useRecovery ? 'Recovery key' : 'Passphrase';
  return (
    <form className="encryption-panel" aria-label="Unlock encryption" onSubmit={(e) => void submit(e)}>
      <p className="encryption-locked">
        <strong>This account is encrypted: enter your passphrase to keep syncing.</strong> Everything already
        on this device stays readable meanwhile.
      </p>
      <label className="field">
        <span>{label}</span>
        <input
          type={useRecovery ? 'text' : 'password'}
          autoComplete={useRecovery ? 'off' : 'current-password'}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <span>Remember on this device</span>
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="sync-form-buttons">
        <button type="submit" className="primary-button" disabled={busy || secret.length === 0}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        <button
          type="button"
          className="ghost-button"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setSecret('');
            setError(undefined);
          }}
        >
          {useRecovery ? 'Use the passphrase instead' : 'Use the recovery key instead'}
        </button>
        <button type="button" className="ghost-button" onClick={onLost}>
          Lost both?
        </button>
      </div>
    </form>
  );
}

function NewPassphraseForm(props: {
  busy: boolean;
  submitLabel: string;
  onSubmit(passphrase: string): void;
  onCancel(): void;
}) {
  const [entry, setEntry] = useState(NO_ENTRY);
  const [problem, setProblem] = useState<string>();
  return (
    <form
      className="encryption-panel"
      aria-label="Set a passphrase"
      onSubmit={(e) => {
        e.preventDefault();
        const issue = passphraseProblem(entry.passphrase, entry.repeat);
        setProblem(issue);
        if (!issue) props.onSubmit(entry.passphrase);
      }}
    >
      <p className="muted">
        Choose a passphrase you will remember: it never leaves this device, and nobody can reset it for you.
      </p>
      <NewPassphraseFields value={entry} problem={problem} onChange={setEntry} />
      <div className="sync-form-buttons">
        <button type="submit" className="primary-button" disabled={props.busy}>
          {props.busy ? 'Making the keys…' : props.submitLabel}
        </button>
        <button type="button" className="ghost-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The new passphrase as typed twice. */
interface NewPassphrase {
  passphrase: string;
  repeat: string;
}

const NO_ENTRY: NewPassphrase = { passphrase: '', repeat: '' };

/** "New passphrase" and "Repeat the passphrase", and what is wrong with them (passphraseProblem). */
function NewPassphraseFields(props: {
  value: NewPassphrase;
  problem: string | undefined;
  onChange(value: NewPassphrase): void;
}) {
  const { value, problem, onChange } = props;
  return (
    <>
      <label className="field">
        <span>New passphrase</span>
        <input
          type="password"
          autoComplete="new-password"
          value={value.passphrase}
          onChange={(e) => onChange({ ...value, passphrase: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Repeat the passphrase</span>
        <input
          type="password"
          autoComplete="new-password"
          value={value.repeat}
          onChange={(e) => onChange({ ...value, repeat: e.target.value })}
        />
      </label>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** Why these two entries cannot be the new passphrase, or undefined. */
export function passphraseProblem(passphrase: string, repeat: string): string | undefined {
  if (passphrase.length < 8) return 'Use at least 8 characters; a few unrelated words are best.';
  if (passphrase !== repeat) return 'The two entries differ: type the same passphrase twice.';
  return undefined;
}

function RecoveryKeyConfirmation(props: {
  recoveryKey: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const [typed, setTyped] = useState('');
  const expected = confirmationPart(props.recoveryKey);
  const matches = typed.trim().toUpperCase() === expected;
  return (
    <form
      className="encryption-panel"
      aria-label="Recovery key"
      onSubmit={(e) => {
        e.preventDefault();
        if (matches) props.onConfirm();
      }}
    >
      <p>
        Write this recovery key down and keep it safe. It is shown only now; with it you can unlock your
        conversations if you forget the passphrase.
      </p>
      <label className="field">
        <span>Your recovery key</span>
        <input
          className="recovery-key"
          readOnly
          value={props.recoveryKey}
          onFocus={(e) => e.target.select()}
        />
      </label>
      <label className="field">
        <span>Type the last group of the recovery key</span>
        <input autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </label>
      <div className="sync-form-buttons">
        <button type="submit" className="primary-button" disabled={props.busy || !matches}>
          {props.busy ? 'Encrypting…' : 'Turn on encryption'}
        </button>
        <button type="button" className="ghost-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ChangePassphraseForm(props: {
  busy: boolean;
  onSubmit(current: string, next: string): void;
  onCancel(): void;
}) {
  const [current, setCurrent] = useState('');
  const [entry, setEntry] = useState(NO_ENTRY);
  const [problem, setProblem] = useState<string>();
  return (
    <form
      className="encryption-panel"
      aria-label="Change passphrase"
      onSubmit={(e) => {
        e.preventDefault();
        const issue = passphraseProblem(entry.passphrase, entry.repeat);
        setProblem(issue);
        if (!issue) props.onSubmit(current, entry.passphrase);
      }}
    >
      <label className="field">
        <span>Current passphrase</span>
        <input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <NewPassphraseFields value={entry} problem={problem} onChange={setEntry} />
      <div className="sync-form-buttons">
        <button type="submit" className="primary-button" disabled={props.busy || current.length === 0}>
          {props.busy ? 'Changing…' : 'Change passphrase'}
        </button>
        <button type="button" className="ghost-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
