/** The message to show for a failed export or import; ChatStorageError messages already say what to do. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
