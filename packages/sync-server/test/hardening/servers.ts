// Test servers that a test starts as it needs them, all stopped after each test.
import { afterEach } from 'vitest';
import { startTestServer, type TestServer } from '../helpers.js';

export function serversPerTest(): (opts?: Parameters<typeof startTestServer>[0]) => Promise<TestServer> {
  const running: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (opts = {}) => {
    const s = await startTestServer(opts);
    running.push(s);
    return s;
  };
}
