export {
  activeBranch,
  awaitingParent,
  branchTo,
  childrenByParent,
  leafAfterDelete,
  newestLeafUnder,
  resolveActiveLeaf,
  subtreeIds,
  versionsOf,
} from './branches.js';
export { checkNoCycle, checkParent, checkParentUnchanged } from './validate.js';
