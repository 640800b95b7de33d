// The records the server refused and those kept on this device only, read
// through the sync runtime and refreshed whenever the refused count changes
// or the user acts on one.
import type { RecordKind, RefusedRecord } from '@chatkeep/storage';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { getSyncRuntime, useSyncStatus } from './sync-service.js';

export const refusedKey = ['sync-refused'] as const;

export function useRefusedRecords(enabled = true) {
  const status = useSyncStatus();
  return useQuery({
    queryKey: [...refusedKey, status.rejected, status.lastSyncedAt],
    queryFn: async (): Promise<RefusedRecord[]> => (await getSyncRuntime()?.listRefused()) ?? [],
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    // The list stays on screen while it is read again after a change.
    placeholderData: keepPreviousData,
  });
}

/** How each message of a conversation stands, for the notes beside them. */
export function useMessageSyncNotes(conversationId: string): Map<string, RefusedRecord['state']> {
  const { data } = useRefusedRecords();
  return useMemo(
    () =>
      new Map(
        (data ?? [])
          .filter((r) => r.kind === 'message' && r.conversationId === conversationId)
          .map((r) => [r.id, r.state] as const),
      ),
    [data, conversationId],
  );
}

/** The user's choices about a refused record; the lists refresh after each. */
export function useRefusedActions() {
  const queryClient = useQueryClient();
  const after = useCallback(() => queryClient.invalidateQueries({ queryKey: refusedKey }), [queryClient]);
  return useMemo(
    () => ({
      keepLocalOnly: async (kind: RecordKind, id: string) => {
        await getSyncRuntime()?.keepLocalOnly(kind, id);
        await after();
      },
      retry: async (kind: RecordKind, id: string) => {
        await getSyncRuntime()?.retryRefused(kind, id);
        await after();
      },
    }),
    [after],
  );
}
