// "‹ 2/3 ›" between a message's versions (its siblings): the app's message
// actions and the share page both show it; what a step does is theirs.

export function VersionStepper({
  index,
  count,
  onShow,
}: {
  /** Where the shown version stands, from 0. */
  index: number;
  count: number;
  onShow(index: number): void;
}) {
  return (
    <div className="version-switch">
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        disabled={index <= 0}
        onClick={() => onShow(index - 1)}
      >
        ‹
      </button>
      <span className="version-position">
        {index + 1}/{count}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        disabled={index >= count - 1}
        onClick={() => onShow(index + 1)}
      >
        ›
      </button>
    </div>
  );
}
