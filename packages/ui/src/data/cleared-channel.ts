/**
 * The BroadcastChannel on which "Clear all conversations" tells this site's
 * other tabs that the database is gone, so they reload (and drop what they
 * would otherwise write back, such as the first-paint snapshot).
 */
export const CLEARED_CHANNEL = 'chatkeep-cleared';
