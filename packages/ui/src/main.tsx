import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, boot } from './app/App.js';
import { startSnapshotWriter } from './first-paint/writer.js';
import { startTheme } from './settings/theme.js';
import { syncSettings } from './sync/sync-settings.js';
import './styles.css';

startTheme();
// The view painted before this code ran (first-paint/prepaint.ts) stays until
// the app's own has settled; what the app shows is kept for the next start.
const snapshots = startSnapshotWriter();
snapshots.watchAccount(syncSettings);

// Storage opens while React renders the shell; App picks up the same start.
void boot().then(
  ({ adapter }) => snapshots.watchStorage(adapter),
  () => {
    // App shows why storage could not open.
  },
);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The app shell is cached so that Chatkeep also starts without a network.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without a service worker the app still works; it just cannot start offline.
    });
  };
  // This code starts after the first-paint snapshot, often once the page has loaded.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
