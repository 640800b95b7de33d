import type { Project } from '@chatkeep/storage';

/** A labelled choice among projects, by name: where to move a conversation, or a deleted project's conversations. */
export function ProjectSelect(props: {
  label: string;
  projects: readonly Project[];
  value: string | undefined;
  onChange(id: string): void;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
