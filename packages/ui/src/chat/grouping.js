export const GROUPS = [
    'Pinned',
    'Today',
    'Yesterday',
    'Previous 7 days',
    'Previous 30 days',
    'Older',
];
const DAY = 24 * 60 * 60 * 1000;
function startOfDay(ms) {
    const d = new Date(ms);
    d.setHours(0, 0, 0, 0);
    return d.getTime();
}
export function groupOf(conversation, now) {
    if (conversation.pinned)
        return 'Pinned';
    const today = startOfDay(now);
    const at = conversation.updatedAt;
    if (at >= today)
        return 'Today';
    if (at >= today - DAY)
        return 'Yesterday';
    if (at >= today - 7 * DAY)
        return 'Previous 7 days';
    if (at >= today - 30 * DAY)
        return 'Previous 30 days';
    return 'Older';
}
/** Non-empty groups in sidebar order, each newest first. */
export function groupConversations(conversations, now) {
    const byGroup = new Map();
    const sorted = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
    for (const c of sorted) {
        const g = groupOf(c, now);
        const list = byGroup.get(g) ?? [];
        list.push(c);
        byGroup.set(g, list);
    }
    return GROUPS.filter((g) => byGroup.has(g)).map((name) => ({ name, conversations: byGroup.get(name) }));
}
/** Title filter as the user types: every word must appear, case and accents ignored. */
export function matchesTitle(conversation, query) {
    const fold = (s) => s
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, '')
        .toLowerCase();
    const title = fold(conversation.title || 'New chat');
    return fold(query)
        .split(/\s+/)
        .filter(Boolean)
        .every((word) => title.includes(word));
}
//# sourceMappingURL=grouping.js.map