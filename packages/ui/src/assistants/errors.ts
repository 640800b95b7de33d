// Failures of an assistant that the chat loop treats apart from others.

/**
 * The endpoint could not be reached at all (offline, server down, blocked):
 * nothing was sent, so the message can wait and be sent later.
 */
export class EndpointUnreachableError extends Error {
  override name = 'EndpointUnreachableError';
}
