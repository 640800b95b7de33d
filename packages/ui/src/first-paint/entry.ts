// The page's module entry. Its stylesheets are linked from the page's head,
// so they apply to the snapshot prepaint.ts paints as well as to the app;
// the app's code (main.tsx) starts only once that snapshot is on screen, so
// that parsing and running it does not hold up the first paint.
import '../styles.css';
import './first-paint.css';

// Every stylesheet of the app's screens (not the share page's), so that the
// painted snapshot looks as the app will: those loaded with a screen's code
// would otherwise arrive after the first paint.
import.meta.glob(['../**/*.css', '!../share-page/**'], { eager: true });

await window.chatkeepPrepaint;
await import('../main.js');
