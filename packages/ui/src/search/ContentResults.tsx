// Content matches listed under the title matches in the sidebar. Opening
// one opens its conversation at that message. Searching every project, the
// titles of other projects' conversations are listed here too (the sidebar's
// title filter lists only the open project's).
import { queryTerms } from '@chatkeep/storage';
import { useProjectName } from '../data/queries.js';
import { useUi } from '../data/ui-store.js';
import { formatHitTime } from './format-time.js';
import { useJump } from './jump.js';
import { Snippet } from './Snippet.js';
import { useContentSearch } from './use-content-search.js';
import './search.css';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' } as const;

export function ContentResults({ projectId, query }: { projectId: string; query: string }) {
  const { hits, searching, error, hasMore, loadingMore, showMore, allProjects } = useContentSearch(
    projectId,
    query,
  );
  const projectName = useProjectName();
  const openConversation = useUi((s) => s.openConversation);
  const setProject = useUi((s) => s.setProject);
  const jumpTo = useJump((s) => s.jumpTo);

  if (!query.trim()) return null;
  // The open project's title hits are in the list above already.
  const shown = hits.filter((hit) => hit.messageId !== undefined || hit.projectId !== projectId);
  return (
    <section className="content-results" aria-label="Message matches" aria-busy={searching}>
      <h2>In messages</h2>
      {error ? (
        <p className="muted nav-empty" role="alert">
          Search failed: {error instanceof Error ? error.message : String(error)}
        </p>
      ) : queryTerms(query).length === 0 ? (
        <p className="muted nav-empty">
          Words as common as “the” or “to” are not searched: add a more specific word.
        </p>
      ) : shown.length === 0 ? (
        <p className="muted nav-empty">{searching ? 'Searching messages…' : 'No message matches.'}</p>
      ) : (
        <>
          <ul>
            {shown.map((hit) => (
              <li key={hit.messageId ?? `title:${hit.conversationId}`}>
                <button
                  type="button"
                  className="content-hit"
                  onClick={() => {
                    if (hit.projectId !== projectId) setProject(hit.projectId);
                    if (hit.messageId) jumpTo(hit.conversationId, hit.messageId);
                    openConversation(hit.conversationId);
                  }}
                >
                  <span className="content-hit-head">
                    <span className="content-hit-title">{hit.title || 'New chat'}</span>
                    <time dateTime={new Date(hit.time).toISOString()}>{formatHitTime(hit.time)}</time>
                  </span>
                  <span className="content-hit-snippet">
                    {hit.messageId === undefined ? (
                      <span className="content-hit-role">Title: </span>
                    ) : (
                      hit.role && <span className="content-hit-role">{ROLE_LABEL[hit.role]}: </span>
                    )}
                    <Snippet segments={hit.snippet} />
                  </span>
                  {(allProjects || hit.archived) && (
                    <span className="content-hit-tags">
                      {allProjects && (
                        <span className="content-hit-tag content-hit-project">
                          Project: {projectName(hit.projectId)}
                        </span>
                      )}
                      {hit.archived && <span className="content-hit-tag">Archived</span>}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          {hasMore && (
            <button
              type="button"
              className="ghost-button show-more"
              disabled={loadingMore}
              onClick={showMore}
            >
              {loadingMore ? 'Loading more…' : 'Show more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
