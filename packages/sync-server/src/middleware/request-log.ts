// One line per request: method, path, status, duration. The path has no query
// string and headers are never logged, so tokens stay out of the log.
import type { MiddlewareHandler } from 'hono';

export function requestLog(log: (line: string) => void): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = (performance.now() - start).toFixed(1);
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`);
    }
  };
}
