// Hono context variables set by the middleware.
export interface AppEnv {
  Variables: {
    userId: string;
    /** The id of the session whose token the request carries. */
    sessionId: string;
  };
}
