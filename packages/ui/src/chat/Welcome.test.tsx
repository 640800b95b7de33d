import type { ChatStorageAdapter } from '@chatkeep/storage';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStorage } from '../../test/storage.js';
import { StorageProvider } from '../data/storage-context.js';
import { Welcome } from './Welcome.js';

let storage: ChatStorageAdapter;
beforeEach(async () => {
  storage = await openTestStorage();
});
afterEach(async () => {
  await storage.close();
});

function renderWelcome(...projectIds: string[]) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <StorageProvider value={storage}>
        {projectIds.map((id) => (
          <section key={id} aria-label={id}>
            <Welcome isDemo={false} projectId={id} />
          </section>
        ))}
      </StorageProvider>
    </QueryClientProvider>,
  );
}

describe('a new chat’s page', () => {
  it('says when the project of a link is not on this device, and only then', async () => {
    await storage.saveProject({ id: 'work', name: 'Work' });
    renderWelcome('p-from-elsewhere', 'work', 'default');
    // One read of the records serves all three: once the first shows its note, the others have decided too.
    const note = await within(screen.getByRole('region', { name: 'p-from-elsewhere' })).findByRole('status');
    expect(note.textContent).toContain('No project “p-from-elsewhere” is on this device');
    expect(within(screen.getByRole('region', { name: 'work' })).queryByRole('status')).toBeNull();
    expect(within(screen.getByRole('region', { name: 'default' })).queryByRole('status')).toBeNull();
  });
});
