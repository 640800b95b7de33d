import type { ChatStorageAdapter } from '@chatkeep/storage';
import { createContext, useContext } from 'react';

const StorageContext = createContext<ChatStorageAdapter | null>(null);

export const StorageProvider = StorageContext.Provider;

export function useStorage(): ChatStorageAdapter {
  const storage = useContext(StorageContext);
  if (!storage)
    throw new Error('useStorage must be used inside <StorageProvider> (storage is not open yet).');
  return storage;
}
