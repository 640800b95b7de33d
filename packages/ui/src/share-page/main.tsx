// The share page's own entry (share.html, served at /s/<id>): it loads only
// what showing one conversation needs, not the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SharePage } from './SharePage.js';
import '../styles.css';
import './share-page.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SharePage href={window.location.href} />
  </StrictMode>,
);
