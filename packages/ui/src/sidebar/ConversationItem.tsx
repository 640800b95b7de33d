import type { Conversation } from '@chatkeep/storage';
import { useEffect, useId, useRef, useState } from 'react';
import { CONVERSATION_DRAG_TYPE } from '../projects/ProjectDropTargets.js';
import { TitleInput } from '../ui-kit/TitleInput.js';

interface ConversationItemProps {
  conversation: Conversation;
  active: boolean;
  onOpen(): void;
  onRename(title: string): void;
  onTogglePin(): void;
  onToggleArchive(): void;
  onExport?(): void;
  onEditTags?(): void;
  onShare?(): void;
  /** "Move to project…": absent where there is nowhere to move. */
  onMove?(): void;
  onDelete(): void;
}

export function ConversationItem(props: ConversationItemProps) {
  const { conversation, active } = props;
  const [editing, setEditing] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const tagsId = useId();
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const title = conversation.title || 'New chat';
  const tags = conversation.tags ?? [];

  useEffect(() => {
    if (!menuOpen) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!menuRef.current?.parentElement?.contains(e.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [menuOpen]);

  // Focus goes back to ⋯ before the action runs, so a dialog the action
  // opens returns focus there too when it closes.
  const act = (fn: () => void) => () => {
    setMenuOpen(false);
    menuButtonRef.current?.focus();
    fn();
  };

  const onMenuKey = (e: React.KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.stopPropagation();
      setMenuOpen(false);
      menuButtonRef.current?.focus();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(at + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at - 1 + items.length) % items.length]?.focus();
    }
  };

  return (
    <li
      className={active ? 'conversation active' : 'conversation'}
      draggable={!editing}
      onDragStart={(e) => {
        e.dataTransfer.setData(CONVERSATION_DRAG_TYPE, conversation.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      {editing ? (
        <TitleInput
          initial={conversation.title}
          onSave={(t) => {
            setEditing(false);
            props.onRename(t);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <button
          type="button"
          className={tags.length ? 'conversation-open has-tags' : 'conversation-open'}
          aria-current={active ? 'page' : undefined}
          // The title stays the button's name; the tags are its description.
          aria-describedby={tags.length ? tagsId : undefined}
          onClick={props.onOpen}
          title={conversation.lastMessage}
        >
          {conversation.pinned && (
            <span className="pin-mark" aria-hidden="true">
              📌
            </span>
          )}
          <span className="conversation-title">{title}</span>
          {tags.length > 0 && (
            <span id={tagsId} className="conversation-tags" aria-hidden="true">
              <span className="visually-hidden">Tagged </span>
              {tags.map((t, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: imported or synced tags may repeat; the position keeps keys unique
                <span key={`${i}:${t}`} className="tag">
                  {t}
                </span>
              ))}
            </span>
          )}
        </button>
      )}
      <button
        ref={menuButtonRef}
        type="button"
        className="icon-button conversation-menu-button"
        aria-label={`Actions for ${title}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        onClick={() => setMenuOpen((o) => !o)}
      >
        ⋯
      </button>
      {menuOpen && (
        <div
          ref={menuRef}
          className="menu"
          role="menu"
          aria-label={`Actions for ${title}`}
          onKeyDown={onMenuKey}
          tabIndex={-1}
        >
          <button type="button" role="menuitem" onClick={act(() => setEditing(true))}>
            Rename
          </button>
          <button type="button" role="menuitem" onClick={act(props.onTogglePin)}>
            {conversation.pinned ? 'Unpin' : 'Pin'}
          </button>
          <button type="button" role="menuitem" onClick={act(props.onToggleArchive)}>
            {conversation.archived ? 'Unarchive' : 'Archive'}
          </button>
          {props.onEditTags && (
            <button type="button" role="menuitem" onClick={act(props.onEditTags)}>
              Tags…
            </button>
          )}
          {props.onExport && (
            <button type="button" role="menuitem" onClick={act(props.onExport)}>
              Export
            </button>
          )}
          {props.onShare && (
            <button type="button" role="menuitem" onClick={act(props.onShare)}>
              Share link
            </button>
          )}
          {props.onMove && (
            <button type="button" role="menuitem" onClick={act(props.onMove)}>
              Move to project…
            </button>
          )}
          <button type="button" role="menuitem" className="danger" onClick={act(props.onDelete)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
