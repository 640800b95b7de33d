// "Filter by tag" in the sidebar: choose one or more tags, and the list
// keeps only conversations that carry all of them.
import { type Conversation, collectTags, tagKey } from '@chatkeep/storage';
import { useMemo, useState } from 'react';
import { useTagFilter, useTagFilterStore } from './tag-filter.js';
import './tags.css';

export function TagFilter({
  projectId,
  conversations,
}: {
  projectId: string;
  /** Every conversation of the project (the tags offered come from these). */
  conversations: readonly Conversation[] | undefined;
}) {
  const chosen = useTagFilter(projectId);
  const toggle = useTagFilterStore((s) => s.toggle);
  const clear = useTagFilterStore((s) => s.clear);
  const [open, setOpen] = useState(false);
  const chosenKeys = new Set(chosen.map(tagKey));
  const tags = useMemo(() => {
    const inUse = collectTags(conversations ?? []);
    // A chosen tag no conversation carries any more stays listed, so that it can be unchecked.
    const missing = chosen.filter((t) => !inUse.some((u) => tagKey(u.tag) === tagKey(t)));
    return [...inUse, ...missing.map((tag) => ({ tag, count: 0 }))];
  }, [conversations, chosen]);
  if (tags.length === 0 && chosen.length === 0) return null;
  return (
    <div className="tag-filter">
      <div className="tag-filter-bar">
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls="tag-filter-choices"
          onClick={() => setOpen((o) => !o)}
        >
          Filter by tag{chosen.length ? ` (${chosen.length})` : ''}
        </button>
        {chosen.length > 0 && (
          <button type="button" className="link-button" onClick={() => clear(projectId)}>
            Clear tag filter
          </button>
        )}
      </div>
      {chosen.length > 0 && !open && (
        <p className="tag-filter-summary muted" role="status">
          Showing conversations tagged {chosen.map((t) => `“${t}”`).join(' and ')}
        </p>
      )}
      {open && (
        <fieldset id="tag-filter-choices" className="tag-filter-choices">
          <legend className="visually-hidden">Tags to show</legend>
          {tags.map(({ tag, count }) => (
            <label key={tagKey(tag)} className="tag-choice">
              <input
                type="checkbox"
                checked={chosenKeys.has(tagKey(tag))}
                onChange={() => toggle(projectId, tag)}
              />
              <span>{tag}</span>
              <span className="muted">({count})</span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
