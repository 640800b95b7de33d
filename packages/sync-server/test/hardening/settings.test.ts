// The environment settings of the auth and web rules: defaults and refusals.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../src/config.js';

const HOUR = 60 * 60 * 1000;

describe('auth and web settings from the environment', () => {
  it('defaults: 90 session days, 10 sign-ups and 60 failed logins an hour per address, no trusted proxy', () => {
    const config = configFromEnv({});
    expect(config.sessionDays).toBe(90);
    expect(config.attemptLimits).toEqual({
      perUsername: { maxFailures: 10, windowMs: 60_000 },
      perAddress: { maxFailures: 60, windowMs: HOUR },
      signupsPerAddress: { max: 10, windowMs: HOUR },
    });
    expect(config.trustProxy).toBe(0);
    expect(config.publicUrl).toBeUndefined();
    expect(config.maxRecordBytes).toBe(4 * 1024 * 1024);
  });

  it('each can be set', () => {
    const config = configFromEnv({
      CHATKEEP_SESSION_DAYS: '7',
      CHATKEEP_SIGNUPS_PER_HOUR: '3',
      CHATKEEP_LOGIN_FAILURES_PER_HOUR: '20',
      CHATKEEP_TRUST_PROXY: '1',
      CHATKEEP_PUBLIC_URL: 'https://chat.example.com/app/',
      CHATKEEP_MAX_RECORD_BYTES: '65536',
    });
    expect(config.maxRecordBytes).toBe(65536);
    expect(config.sessionDays).toBe(7);
    expect(config.attemptLimits.signupsPerAddress.max).toBe(3);
    expect(config.attemptLimits.perAddress.maxFailures).toBe(20);
    expect(config.trustProxy).toBe(1);
    expect(config.publicUrl).toBe('https://chat.example.com');
  });

  it('CHATKEEP_DATABASE_URL chooses PostgreSQL; unset, the SQLite file stays the default', () => {
    expect(configFromEnv({}).databaseUrl).toBeUndefined();
    const url = 'postgres://chatkeep@db.example.com:5432/chatkeep';
    expect(configFromEnv({ CHATKEEP_DATABASE_URL: ` ${url} ` }).databaseUrl).toBe(url);
  });

  it('a bad value stops the server with a message naming the setting', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CHATKEEP_SESSION_DAYS: '0' }, /CHATKEEP_SESSION_DAYS must be a whole number/],
      [{ CHATKEEP_SIGNUPS_PER_HOUR: 'many' }, /CHATKEEP_SIGNUPS_PER_HOUR/],
      [{ CHATKEEP_TRUST_PROXY: 'true' }, /CHATKEEP_TRUST_PROXY must be a whole number from 0 to 10/],
      [{ CHATKEEP_PUBLIC_URL: 'chat.example.com' }, /CHATKEEP_PUBLIC_URL must be the http\(s\) address/],
      [{ CHATKEEP_PUBLIC_URL: 'ftp://chat.example.com' }, /CHATKEEP_PUBLIC_URL/],
      [{ CHATKEEP_DATABASE_URL: 'mysql://db/chatkeep' }, /CHATKEEP_DATABASE_URL must be a PostgreSQL URL/],
      // The protocol's 4 MiB is the most any client expects to send.
      [
        { CHATKEEP_MAX_RECORD_BYTES: '4194305' },
        /CHATKEEP_MAX_RECORD_BYTES must be a whole number from 1024 to 4194304/,
      ],
      [{ CHATKEEP_MAX_RECORD_BYTES: '10' }, /CHATKEEP_MAX_RECORD_BYTES/],
    ];
    for (const [env, message] of cases) {
      expect(() => configFromEnv(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => configFromEnv(env)).toThrow(message);
    }
  });
});
