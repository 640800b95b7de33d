import { v7 } from 'uuid';

/** A new time-sortable id (UUIDv7) for conversations, messages and clients. */
export function newId(): string {
  return v7();
}
