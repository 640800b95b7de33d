export { onPageHide, type PageHideSource } from './page-hide.js';
export { isUnfinished, recoverAllRecent, recoverInterrupted } from './recover.js';
export {
  defaultStreamLocks,
  type HeartbeatOptions,
  heartbeatStreamLocks,
  localStreamLocks,
  type StreamLocks,
  webStreamLocks,
} from './stream-locks.js';
export { type PartialToolCall, StreamWriter, type StreamWriterOptions } from './stream-writer.js';
