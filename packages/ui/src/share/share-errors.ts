import { ChatStorageError } from '@chatkeep/storage';

/** One sentence on a failed share request, saying what to do. */
export function shareErrorMessage(error: unknown): string {
  if (error instanceof ChatStorageError && error.code === 'unauthorized') {
    return 'The sync server no longer accepts your sign-in. Sign in again under Settings › Sync, then try again.';
  }
  return error instanceof Error ? error.message : String(error);
}
