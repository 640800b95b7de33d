// The share page's own entry (share.html, served at /s/<id>): it loads only
// what showing one conversation needs, not the app.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SharePage } from './SharePage.js';
import '../styles.css';
import './share-page.css';

/** The page for the address, again whenever its fragment (the key) is changed by hand. */
function Page() {
  const [href, setHref] = useState(window.location.href);
  useEffect(() => {
    const follow = () => setHref(window.location.href);
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return <SharePage href={href} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
