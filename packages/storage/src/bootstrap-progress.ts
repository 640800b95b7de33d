// The stored form of a fresh device's download progress, shared by both
// adapters. A stored value that cannot be read restarts the download from the
// conversation list: applying records again is harmless (the greatest stamp
// wins), while trusting a damaged queue could leave history undownloaded.
import './zod-config.js';
import { z } from 'zod';
import { ChatStorageError } from './errors.js';
import { describeZodError } from './schema.js';
import type { BootstrapProgress } from './types.js';

const progressSchema = z.object({
  stage: z.enum(['listing', 'messages']),
  queue: z.array(z.string().min(1)),
  total: z.number().int().nonnegative(),
});

/** The progress in a stored JSON text (undefined: none stored). */
export function readBootstrapProgress(text: string | undefined | null): BootstrapProgress | undefined {
  if (text === undefined || text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = progressSchema.safeParse(value);
  return parsed.success ? parsed.data : { stage: 'listing', queue: [], total: 0 };
}

/**
 * The progress as stored text, undefined for none (the download is done);
 * throws on a value that does not fit, before anything is written.
 */
export function writeBootstrapProgress(progress: BootstrapProgress | undefined): string | undefined {
  if (progress === undefined) return undefined;
  const parsed = progressSchema.safeParse(progress);
  if (!parsed.success) {
    throw new ChatStorageError(
      'invalid-input',
      `The download progress must be {stage, queue, total}: ${describeZodError(parsed.error)}`,
    );
  }
  return JSON.stringify(parsed.data);
}
