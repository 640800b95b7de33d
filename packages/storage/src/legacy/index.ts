export {
  LEGACY_DEFAULT_PROJECT,
  LEGACY_HISTORY_KEY,
  LEGACY_MESSAGES_PREFIX,
  LEGACY_THREADS_KEY,
  legacyMessagesKey,
  singleHistoryConversationId,
} from './keys.js';
export { type MigrateLegacyOptions, type MigrationResult, migrateLegacyHistory } from './migrate.js';
