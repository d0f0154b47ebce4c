/**
 * Constants of the y-websocket wire protocol and of our websocket close codes, shared by the
 * relay and the client.
 *
 * Message types are the first varint of every binary frame (y-websocket's numbering).
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const

export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType]

/** y-protocols/sync sub-message types. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

/** y-protocols/auth sub-message type for a refusal. */
export const AuthMessageType = {
  permissionDenied: 0,
} as const

/**
 * Websocket close codes the relay uses. 1000-1015 are the RFC's; 4000-4999 are ours, where
 * 4400-4499 mean "do not retry" (like HTTP 4xx) and 4500-4599 "try again" (like HTTP 5xx).
 */
export const CloseCode = {
  /** Normal closure. */
  normal: 1000,
  /** Server is shutting down; reconnect (to the restarted server). Retryable. */
  goingAway: 1001,
  /** The frame could not be understood (text frame, malformed binary). */
  protocolError: 1002,
  /** A text frame that is not valid UTF-8 (sent by the websocket library itself). */
  invalidPayload: 1007,
  /** The message broke a rule (e.g. too many messages before admission). */
  policyViolation: 1008,
  /** A frame larger than the configured limit. */
  messageTooBig: 1009,
  /** An unexpected server error; retryable. */
  internalError: 1011,
  /** Token missing, forged, expired or for another board. Not retryable. */
  unauthorized: 4401,
  /** The document name is not a valid board id. Not retryable. */
  badDocumentName: 4400,
  /** The link (or the personal token minted through it) was replaced by a facilitator. Not retryable. */
  linkReplaced: 4403,
  /** The board does not exist. Not retryable. */
  boardNotFound: 4404,
  /** The board was deleted while the connection was open (later connections get 4404). Not retryable. */
  boardDeleted: 4410,
  /** The board's stored data is damaged (it does not check out); an operator must restore it. Not retryable. */
  documentDamaged: 4422,
  /** The document could not be loaded or stored right now; retryable. */
  storageUnavailable: 4503,
  /**
   * The connection sent too much too fast (4529), or fell too far behind (4508). Retryable:
   * 4500-4599 is the "try again" range the stock y-websocket client reconnects after, while it
   * stops for good on 4400-4499.
   */
  rateLimited: 4529,
  slowConsumer: 4508,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]
