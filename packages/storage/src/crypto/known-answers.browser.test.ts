import { describeKnownAnswers } from './test-support/known-answers.js';

describeKnownAnswers('Chromium');
