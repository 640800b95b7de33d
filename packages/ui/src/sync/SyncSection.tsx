// Settings › Sync: turn cloud sync on or off, sign up, sign in, sign out.
import { useState } from 'react';
import { useOnline } from '../data/use-online.js';
import { type AuthAction, authenticate, endSession } from './auth.js';
import { EncryptionSection } from './EncryptionSection.js';
import { getSyncRuntime, useSyncSettings, useSyncStatus } from './sync-service.js';
import { serverUrlProblem, syncSettings } from './sync-settings.js';
import './sync.css';

export function SyncSection() {
  const enabled = useSyncSettings((s) => s.enabled);
  const account = useSyncSettings((s) => s.account);
  const serverUrl = useSyncSettings((s) => s.serverUrl);
  const expired = useSyncSettings((s) => s.expired);
  const [notice, setNotice] = useState<string>();

  const signOut = async () => {
    if (!account) return;
    // Forget the token here first: signing out works offline too.
    syncSettings.getState().signedOut();
    // A key remembered for the account goes with the sign-in, also while sync is off.
    await getSyncRuntime()?.forgetKeys();
    const confirmed = await endSession(account, { serverUrl });
    setNotice(
      confirmed
        ? 'Signed out. Your conversations stay on this device; changes made now are kept here until you sign in again.'
        : 'Signed out on this device (the server could not be told, so that sign-in ends when it expires). Your conversations stay on this device.',
    );
  };

  return (
    <div className="sync-settings">
      <p className="muted">
        Sync keeps the same conversations on all your devices through a Chatkeep sync server. Everything also
        stays on this device and works offline.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => {
            setNotice(undefined);
            syncSettings.getState().setEnabled(e.target.checked);
          }}
        />
        <span>Sync across devices</span>
      </label>
      {account ? (
        <div className="sync-account">
          <p>
            Signed in as <strong>{account.username}</strong> on <code>{serverUrl}</code>.
            {!enabled && ' Sync is off on this device: changes wait here until you turn it on.'}
          </p>
          <button type="button" className="ghost-button" onClick={() => void signOut()}>
            Sign out
          </button>
          {enabled && <EncryptionSection />}
        </div>
      ) : (
        <>
          {expired && (
            <p className="field-error" role="alert">
              Your sign-in has expired or was ended on the server. Sign in again to resume syncing; nothing on
              this device was lost.
            </p>
          )}
          <SignInForm
            onSignedIn={(username) => {
              setNotice(`Signed in as ${username}. Syncing starts now.`);
            }}
          />
        </>
      )}
      {notice && (
        <p className="sync-notice" role="status">
          {notice}
        </p>
      )}
    </div>
  );
}

function SignInForm({ onSignedIn }: { onSignedIn(username: string): void }) {
  const saved = syncSettings.getState();
  const online = useOnline();
  const status = useSyncStatus();
  const [serverUrl, setServerUrl] = useState(saved.serverUrl);
  const [username, setUsername] = useState(saved.lastUsername);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<AuthAction>();
  const [error, setError] = useState<string>();

  const submit = async (action: AuthAction) => {
    const problem = serverUrlProblem(serverUrl);
    if (problem) return setError(problem);
    setError(undefined);
    setBusy(action);
    try {
      const url = serverUrl.trim().replace(/\/+$/, '');
      const account = await authenticate(action, username, password, { serverUrl: url });
      const settings = syncSettings.getState();
      settings.setServerUrl(url);
      settings.signedIn(account);
      settings.setEnabled(true);
      setPassword('');
      onSignedIn(account.username);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <form
      className="sync-form"
      aria-label="Sync account"
      onSubmit={(e) => {
        e.preventDefault();
        void submit('login');
      }}
    >
      <label className="field">
        <span>Sync server</span>
        <input type="url" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} />
      </label>
      <label className="field">
        <span>Username</span>
        <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!online && (
        <p className="muted">
          You are offline: signing in needs the network. Try again once you are back online.
        </p>
      )}
      <div className="sync-form-buttons">
        <button type="submit" className="primary-button" disabled={!!busy || !online}>
          {busy === 'login' ? 'Signing in…' : 'Sign in'}
        </button>
        <button
          type="button"
          className="ghost-button"
          disabled={!!busy || !online}
          onClick={() => void submit('signup')}
        >
          {busy === 'signup' ? 'Signing up…' : 'Sign up'}
        </button>
      </div>
      {status.state === 'signed-out' && (
        <p className="muted">Sync is on but signed out: changes are kept on this device until you sign in.</p>
      )}
    </form>
  );
}
