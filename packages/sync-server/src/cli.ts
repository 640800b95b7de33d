#!/usr/bin/env node
// Account administration for a server whose signup is closed:
//   chatkeep-admin user add <name>      (password from stdin, or prompted)
//   chatkeep-admin user list
//   chatkeep-admin user remove <name>
// Works on the database of CHATKEEP_DATABASE_URL, else on the SQLite file in
// CHATKEEP_DATA_DIR (or --data-dir <dir>), also while the server runs.
import { createInterface } from 'node:readline';
import { checkCredentialRules, createAccount } from './auth/accounts.js';
import { normalizeUsername } from './auth/rules.js';
import { configFromEnv } from './config.js';
import { HttpError } from './errors.js';
import { openStore } from './store/open.js';

const USAGE = `Usage: chatkeep-admin [--data-dir <dir>] user add <name>
       chatkeep-admin [--data-dir <dir>] user list
       chatkeep-admin [--data-dir <dir>] user remove <name>

user add reads the password from stdin (first line) or asks for it.
With CHATKEEP_DATABASE_URL set, it works on that PostgreSQL database;
otherwise the data directory defaults to CHATKEEP_DATA_DIR, then ./data.`;

class UsageError extends Error {}

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    output._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinLine();
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Repeat password: ');
  if (first !== again) throw new UsageError('The passwords differ; nothing was changed.');
  return first;
}

function parseArgs(argv: string[]): { dataDir: string; databaseUrl?: string; rest: string[] } {
  const rest: string[] = [];
  const { dataDir: defaultDir, databaseUrl } = configFromEnv();
  let dataDir = defaultDir;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir') {
      const dir = argv[++i];
      if (!dir) throw new UsageError('--data-dir needs a directory.');
      dataDir = dir;
    } else rest.push(argv[i]!);
  }
  return { dataDir, databaseUrl, rest };
}

async function run(argv: string[]): Promise<void> {
  const { rest, ...where } = parseArgs(argv);
  const [group, command, name, ...extra] = rest;
  if (group !== 'user' || !command || extra.length > 0) throw new UsageError(USAGE);
  if ((command === 'add' || command === 'remove') && !name) throw new UsageError(USAGE);

  const store = await openStore(where);
  try {
    if (command === 'add') {
      const user = await createAccount(store, checkCredentialRules(name!, await readPassword()));
      process.stdout.write(`Created user ${user.username} (${user.id}).\n`);
    } else if (command === 'list') {
      const users = await store.listUsers();
      if (users.length === 0) process.stdout.write('No users.\n');
      for (const u of users) {
        process.stdout.write(
          `${u.username}\t${u.id}\t${new Date(u.createdAt).toISOString()}\t${u.records} records\n`,
        );
      }
    } else if (command === 'remove') {
      const username = normalizeUsername(name!);
      if (!(await store.removeUser(username))) throw new UsageError(`There is no user ${username}.`);
      process.stdout.write(`Removed user ${username}, their sessions and their records.\n`);
    } else {
      throw new UsageError(USAGE);
    }
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof HttpError;
  process.stderr.write(`${known ? (error as Error).message : `Failed: ${String(error)}`}\n`);
  process.exit(error instanceof UsageError && error.message === USAGE ? 2 : 1);
});
