// A bar per day: tokens in and out stacked where endpoints reported them,
// else messages. A few lines of SVG; the tables beside it carry the numbers.
import type { UsageSummary } from '@chatkeep/storage';
import { formatCount, formatShort } from './format.js';

const WIDTH = 640;
const HEIGHT = 170;
const LEFT = 40;
const BOTTOM = 20;
const TOP = 8;

export function UsageChart({ days }: { days: UsageSummary['days'] }) {
  const tokens = days.some((d) => d.inputTokens + d.outputTokens > 0);
  const value = (d: UsageSummary['days'][number]) => (tokens ? d.inputTokens + d.outputTokens : d.messages);
  const max = Math.max(1, ...days.map(value));
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / days.length;
  const bar = Math.max(1, slot * 0.7);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  return (
    <figure className="usage-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${tokens ? 'Tokens' : 'Messages'} per day from ${first} to ${last}; at most ${formatCount(max)} a day. The numbers are in the tables below.`}
      >
        <line className="usage-axis" x1={LEFT} x2={WIDTH} y1={TOP + plotH} y2={TOP + plotH} />
        <line className="usage-grid" x1={LEFT} x2={WIDTH} y1={TOP} y2={TOP} />
        <text className="usage-label" x={LEFT - 6} y={TOP + 4} textAnchor="end">
          {formatShort(max)}
        </text>
        <text className="usage-label" x={LEFT - 6} y={TOP + plotH} textAnchor="end">
          0
        </text>
        {days.map((d, i) => {
          const x = LEFT + i * slot + (slot - bar) / 2;
          const label = tokens
            ? `${d.day}: ${formatCount(d.inputTokens)} tokens in, ${formatCount(d.outputTokens)} out, ${formatCount(d.messages)} messages`
            : `${d.day}: ${formatCount(d.messages)} messages`;
          if (!tokens) {
            return (
              <rect
                key={d.day}
                className="usage-bar-messages"
                x={x}
                width={bar}
                y={y(d.messages)}
                height={TOP + plotH - y(d.messages)}
              >
                <title>{label}</title>
              </rect>
            );
          }
          return (
            <g key={d.day}>
              <title>{label}</title>
              <rect
                className="usage-bar-in"
                x={x}
                width={bar}
                y={y(d.inputTokens)}
                height={TOP + plotH - y(d.inputTokens)}
              />
              <rect
                className="usage-bar-out"
                x={x}
                width={bar}
                y={y(d.inputTokens + d.outputTokens)}
                height={y(d.inputTokens) - y(d.inputTokens + d.outputTokens)}
              />
            </g>
          );
        })}
        <text className="usage-label" x={LEFT} y={HEIGHT - 4} textAnchor="start">
          {first}
        </text>
        <text className="usage-label" x={WIDTH} y={HEIGHT - 4} textAnchor="end">
          {last}
        </text>
      </svg>
      <figcaption className="muted">
        {tokens ? (
          <>
            <span className="usage-key usage-key-in" aria-hidden="true" /> Tokens in{' '}
            <span className="usage-key usage-key-out" aria-hidden="true" /> Tokens out, per day
          </>
        ) : (
          'Messages per day (no token counts were reported in this period)'
        )}
      </figcaption>
    </figure>
  );
}
