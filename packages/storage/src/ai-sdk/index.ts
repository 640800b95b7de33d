export {
  type ConvertContext,
  type ConvertResult,
  convertAiSdkMessages,
  type SkippedEntry,
} from './convert.js';
export { toEpochMs } from './time.js';
