// Hono context variables set by the middleware.
export interface AppEnv {
  Variables: {
    userId: string;
    tokenHash: string;
  };
}
