// Username and password rules, shared by the signup route and the admin CLI.

const USERNAME = /^[a-z0-9._@-]{3,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** A message saying what to fix, or undefined when the username is acceptable. */
export function usernameProblem(username: string): string | undefined {
  if (USERNAME.test(username)) return undefined;
  if (username.length < 3 || username.length > 64) {
    return `The username must be 3 to 64 characters long (it has ${username.length}).`;
  }
  return 'The username may contain only letters a-z, digits and the characters . _ @ - (no spaces).';
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  }
  return undefined;
}
