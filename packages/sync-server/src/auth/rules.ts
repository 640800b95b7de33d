// Username and password rules, shared by the signup and login routes and the
// admin CLI. They run before any hashing or bookkeeping: input that breaks
// them costs the server nothing but this check.

export const MIN_USERNAME_LENGTH = 3;
export const MAX_USERNAME_LENGTH = 64;
const USERNAME = new RegExp(`^[a-z0-9._@-]{${MIN_USERNAME_LENGTH},${MAX_USERNAME_LENGTH}}$`);
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** A message saying what to fix, or undefined when the username is acceptable. */
export function usernameProblem(username: string): string | undefined {
  if (USERNAME.test(username)) return undefined;
  if (username.length < MIN_USERNAME_LENGTH || username.length > MAX_USERNAME_LENGTH) {
    return `The username must be ${MIN_USERNAME_LENGTH} to ${MAX_USERNAME_LENGTH} characters long (it has ${username.length}).`;
  }
  return 'The username may contain only letters a-z, digits and the characters . _ @ - (no spaces).';
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long (it has ${password.length}).`;
  }
  return undefined;
}
