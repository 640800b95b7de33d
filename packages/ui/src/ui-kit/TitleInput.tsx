import { useEffect, useRef, useState } from 'react';

interface TitleInputProps {
  initial: string;
  onSave(title: string): void;
  onCancel(): void;
}

/** Inline title editing: Enter or leaving the field saves, Esc cancels. */
export function TitleInput({ initial, onSave, onCancel }: TitleInputProps) {
  const [value, setValue] = useState(initial);
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    const title = value.trim();
    if (save && title && title !== initial) onSave(title.slice(0, 500));
    else onCancel();
  };
  return (
    <input
      ref={ref}
      className="title-input"
      aria-label="Conversation title"
      value={value}
      maxLength={500}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => finish(true)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish(false);
        }
      }}
    />
  );
}
