// Settings section "Usage": messages, answers and tokens over the last 30
// or 90 days, per day (chart and table), per project and per model. The
// figures come from storage's usageSummary; this only renders them.
import type { UsageFigures } from '@chatkeep/storage';
import { useState } from 'react';
import { useProjectName, useProjects, useUsageSummary } from '../data/queries.js';
import { formatCount } from './format.js';
import { UsageChart } from './UsageChart.js';
import './usage.css';

const PERIODS = [30, 90] as const;

function Figures({ f }: { f: UsageFigures }) {
  return (
    <>
      <td>{formatCount(f.messages)}</td>
      <td>{formatCount(f.answers)}</td>
      <td>{formatCount(f.inputTokens)}</td>
      <td>{formatCount(f.outputTokens)}</td>
    </>
  );
}

function Head({ first, last }: { first: string; last?: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">Messages</th>
        <th scope="col">Answers</th>
        <th scope="col">Tokens in</th>
        <th scope="col">Tokens out</th>
        {last && <th scope="col">{last}</th>}
      </tr>
    </thead>
  );
}

export function UsageSection() {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const [projectId, setProjectId] = useState('');
  const projects = useProjects();
  const projectName = useProjectName();
  const usage = useUsageSummary(days, projectId || undefined);
  const summary = usage.data;
  const active = summary?.days.filter((d) => d.messages > 0).reverse() ?? [];

  return (
    <div className="usage-section">
      <div className="usage-controls">
        <fieldset className="view-switch" aria-label="Period">
          {PERIODS.map((p) => (
            <button key={p} type="button" aria-pressed={days === p} onClick={() => setDays(p)}>
              Last {p} days
            </button>
          ))}
        </fieldset>
        <label className="usage-project">
          <span>Usage for</span>
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">All projects</option>
            {(projects ?? []).map((p) => (
              <option key={p} value={p}>
                {projectName(p)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {usage.isError ? (
        <p className="field-error" role="alert">
          Usage could not be read: {usage.error instanceof Error ? usage.error.message : String(usage.error)}
        </p>
      ) : !summary ? (
        <p className="muted">Adding up…</p>
      ) : (
        <>
          <dl className="usage-totals" aria-label="Totals">
            <div>
              <dt>Messages</dt>
              <dd>{formatCount(summary.totals.messages)}</dd>
            </div>
            <div>
              <dt>Answers</dt>
              <dd>{formatCount(summary.totals.answers)}</dd>
            </div>
            <div>
              <dt>Tokens in</dt>
              <dd>{formatCount(summary.totals.inputTokens)}</dd>
            </div>
            <div>
              <dt>Tokens out</dt>
              <dd>{formatCount(summary.totals.outputTokens)}</dd>
            </div>
          </dl>
          <p className="muted">
            Token counts are what endpoints reported: {formatCount(summary.totals.answersWithTokens)} of{' '}
            {formatCount(summary.totals.answers)} answers came with one (the demo assistant reports none).
          </p>
          <UsageChart days={summary.days} />
          {active.length === 0 ? (
            <p className="muted">No messages in the last {days} days.</p>
          ) : (
            <>
              <table className="usage-table" aria-label="Usage per day">
                <Head first="Day" last="Models" />
                <tbody>
                  {active.map((d) => (
                    <tr key={d.day}>
                      <th scope="row">{d.day}</th>
                      <Figures f={d} />
                      <td>{d.models.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table className="usage-table" aria-label="Usage per project">
                <Head first="Project" />
                <tbody>
                  {summary.projects.map((p) => (
                    <tr key={p.projectId}>
                      <th scope="row">{projectName(p.projectId)}</th>
                      <Figures f={p} />
                    </tr>
                  ))}
                </tbody>
              </table>
              <table className="usage-table" aria-label="Usage per model">
                <Head first="Model" />
                <tbody>
                  {summary.models.map((m) => (
                    <tr key={m.model}>
                      <th scope="row">{m.model}</th>
                      <Figures f={m} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </div>
  );
}
