export {
  type ConvertContext,
  type ConvertResult,
  convertAiSdkMessages,
  type SkippedEntry,
} from './convert.js';
export { toEpochMs } from './time.js';
export {
  type FromUIMessagesContext,
  fromUIMessages,
  toUIMessages,
  type UIMessageLike,
} from './ui-messages.js';
