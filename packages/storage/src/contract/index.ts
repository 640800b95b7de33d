// The storage contract, written once and run against every adapter: each
// adapter has a small runner that calls describeStorageContract.
import { describe } from 'vitest';
import { applyRemoteRules } from './apply-remote.js';
import { conflictRules } from './conflicts.js';
import { type ContractTarget, createContext } from './context.js';
import { conversationRules } from './conversations.js';
import { errorRules } from './errors.js';
import { messageRules } from './messages.js';
import { modelRules } from './model.js';
import { pagingRules } from './paging.js';
import { projectRules } from './projects.js';
import { subscribeRules } from './subscribe.js';
import { summaryRules } from './summaries.js';
import { syncBookkeepingRules } from './sync-bookkeeping.js';
import { tagAndUsageRules } from './tags-usage.js';
import { treeRules } from './tree.js';

export type { ContractTarget } from './context.js';

export function describeStorageContract(target: ContractTarget): void {
  describe(`storage contract: ${target.name}`, () => {
    const ctx = createContext(target);
    conversationRules(ctx);
    messageRules(ctx);
    pagingRules(ctx);
    summaryRules(ctx);
    subscribeRules(ctx);
    errorRules(ctx);
    syncBookkeepingRules(ctx);
    applyRemoteRules(ctx);
    conflictRules(ctx);
    modelRules(ctx);
    treeRules(ctx);
    tagAndUsageRules(ctx);
    projectRules(ctx);
  });
}
