import type { Conversation } from '@chatkeep/storage';
import { useEffect, useRef, useState } from 'react';
import { CONVERSATION_DRAG_TYPE } from '../projects/ProjectDropTargets.js';
import { TitleInput } from './TitleInput.js';

interface ConversationItemProps {
  conversation: Conversation;
  active: boolean;
  onOpen(): void;
  onRename(title: string): void;
  onTogglePin(): void;
  onToggleArchive(): void;
  onExport?(): void;
  /** "Move to project…": absent where there is nowhere to move. */
  onMove?(): void;
  onDelete(): void;
}

export function ConversationItem(props: ConversationItemProps) {
  const { conversation, active } = props;
  const [editing, setEditing] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const title = conversation.title || 'New chat';

  useEffect(() => {
    if (!menuOpen) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!menuRef.current?.parentElement?.contains(e.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [menuOpen]);

  const act = (fn: () => void) => () => {
    setMenuOpen(false);
    fn();
  };

  const onMenuKey = (e: React.KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.stopPropagation();
      setMenuOpen(false);
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
          className="conversation-open"
          aria-current={active ? 'page' : undefined}
          onClick={props.onOpen}
          title={conversation.lastMessage}
        >
          {conversation.pinned && (
            <span className="pin-mark" aria-hidden="true">
              📌
            </span>
          )}
          <span className="conversation-title">{title}</span>
        </button>
      )}
      <button
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
          {props.onExport && (
            <button type="button" role="menuitem" onClick={act(props.onExport)}>
              Export
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
