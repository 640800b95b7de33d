// Adds and removes a conversation's tags. Each change is saved at once;
// typing a tag used elsewhere in the project reuses its spelling.
import { addTag, type Conversation, removeTag } from '@chatkeep/storage';
import { useId, useState } from 'react';
import { useConversation, useTags } from '../data/queries.js';
import { useStorage } from '../data/storage-context.js';
import { Dialog } from '../ui-kit/Dialog.js';
import './tags.css';

export function TagsDialog({ conversation, onClose }: { conversation: Conversation; onClose(): void }) {
  const storage = useStorage();
  // The record as stored now: another tab or sync may have changed its tags meanwhile.
  const live = useConversation(conversation.id).data ?? conversation;
  const known = useTags(conversation.projectId);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const listId = useId();
  const title = conversation.title || 'New chat';

  const save = async (tags: string[]) => {
    try {
      await storage.updateConversation(conversation.id, { tags });
      setError(undefined);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };

  const add = async (raw: string) => {
    let tags: string[];
    try {
      tags = addTag(
        live.tags,
        raw,
        (known ?? []).map((k) => k.tag),
      );
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e));
    }
    if (await save(tags)) setText('');
  };

  const own = new Set(live.tags.map((t) => t.toLocaleLowerCase()));
  const suggestions = (known ?? []).filter((k) => !own.has(k.tag.toLocaleLowerCase()));

  return (
    <Dialog
      title={`Tags for ${title}`}
      open
      onClose={onClose}
      footer={
        <button type="button" className="primary-button" onClick={onClose}>
          Done
        </button>
      }
    >
      {live.tags.length === 0 ? (
        <p className="muted">No tags yet.</p>
      ) : (
        <ul className="tag-list" aria-label="Tags">
          {live.tags.map((tag, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: imported or synced tags may repeat; the position keeps keys unique
            <li key={`${i}:${tag}`} className="tag-chip">
              <span>{tag}</span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove tag ${tag}`}
                onClick={() => void save(removeTag(live.tags, tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="tag-add"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void add(text);
        }}
      >
        <label className="field">
          <span>Add a tag</span>
          <input
            value={text}
            list={listId}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s.tag} value={s.tag} />
          ))}
        </datalist>
        <button type="submit" className="ghost-button">
          Add tag
        </button>
      </form>
      {suggestions.length > 0 && (
        <div className="tag-suggestions">
          <span className="muted">Used in this project:</span>
          {suggestions.slice(0, 12).map((s) => (
            <button
              key={s.tag}
              type="button"
              className="chip"
              aria-label={`Add tag ${s.tag}`}
              onClick={() => void add(s.tag)}
            >
              {s.tag}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
