// GET/PUT/DELETE /v1/account/keys: the signed-in user's end-to-end encryption
// key material. The server keeps it opaque (shape and size are checked, never
// content) and changes it only from the revision the device read, so two
// devices cannot overwrite each other's keys blindly.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../errors.js';
import { readJson } from '../json-body.js';
import { type AccountKeysResponse, accountKeysPutSchema } from '../protocol.js';
import type { AccountKeysOutcome, AccountKeysRecord, SyncStore } from '../store/types.js';

function answer(record: AccountKeysRecord): AccountKeysResponse {
  return {
    keys: record.material === null ? null : JSON.parse(record.material),
    encrypted: record.encrypted,
    revision: record.revision,
  };
}

function settled(outcome: AccountKeysOutcome, previous: number): AccountKeysRecord {
  if (outcome.ok) return outcome.record;
  throw new HttpError(
    409,
    'keys-changed',
    `The keys were changed by another device (they are at revision ${outcome.current.revision}; this request named ${previous}). ` +
      'GET /v1/account/keys, unlock with what is there, and send the change again naming that revision.',
  );
}

export function accountKeyRoutes({ store, now = Date.now }: { store: SyncStore; now?: () => number }) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json(answer(await store.readAccountKeys(c.get('userId')))));

  app.put('/', async (c) => {
    const body = await readJson(c, accountKeysPutSchema);
    const next = { material: JSON.stringify(body.keys), encrypted: body.encrypted };
    const outcome = await store.writeAccountKeys(c.get('userId'), body.previous, next, now());
    return c.json(answer(settled(outcome, body.previous)));
  });

  // Forgets the keys and lets plaintext in again; `previous` (query) guards it like a PUT.
  app.delete('/', async (c) => {
    const raw = c.req.query('previous') ?? '';
    const previous = Number(raw);
    if (!/^\d{1,15}$/.test(raw)) {
      throw new HttpError(
        400,
        'invalid-request',
        'Name the revision being removed: DELETE /v1/account/keys?previous=<revision from GET /v1/account/keys>.',
      );
    }
    const outcome = await store.writeAccountKeys(
      c.get('userId'),
      previous,
      { material: null, encrypted: false },
      now(),
    );
    return c.json(answer(settled(outcome, previous)));
  });

  return app;
}
