/**
 * The seam between the relay and the rules it enforces, in the manner of Hocuspocus's hooks: the
 * relay moves bytes, keeps documents and stores updates; whoever it is given as `RelayHooks`
 * (server/policy/boardPolicy.ts in the app, anything in tests) decides who may connect, what
 * each connection may write and when, and what the server vouches for in presence.
 *
 * @example
 *   const relay = new Relay(storage, context, log, {
 *     async onAuthenticate(request, documents) {
 *       return { ok: true, session: readOnlySession() }
 *     },
 *   })
 */
import type { BoardDocKind } from '../../shared/board/docNames'
import type { BoardRole } from '../../shared/board/roles'
import type { WriteDecision } from '../../shared/board/boardRules'
import type { BoardDocument } from './boardDocument'

export interface AuthenticateRequest {
  /** The document name from the URL path, not yet validated. */
  docName: string
  token: string | null
  remoteAddress: string
}

export type Authentication = { ok: true; session: ConnectionSession } | { ok: false; code: number; reason: string }

/** What one connection may do, decided by the hooks; lives as long as the connection. */
export interface ConnectionSession {
  readonly boardId: string
  readonly docKind: BoardDocKind
  readonly role: BoardRole
  /** The person a personal token names; undefined for a plain board link. */
  readonly personId?: string
  /** Whether the connection may change its document at this moment. */
  write(): WriteDecision
  /** Called whenever write() may have changed (the board was locked or unlocked, the phase moved). */
  onWriteChange(listener: () => void): () => void
  /**
   * A presence state as the client sent it, with what the server vouches for (role, identity)
   * put in. Returns the very same object when nothing needed changing.
   */
  stampPresence(state: Record<string, unknown>): Record<string, unknown>
  /** The connection is gone: release whatever the session holds. */
  dispose(): void
}

/** A document kept loaded for a holder until it releases it. */
export interface HeldDocument {
  readonly document: BoardDocument
  release(): void
}

/** How hooks reach the relay's live documents (e.g. to read the board's lock from its control document). */
export interface DocumentHost {
  hold(docName: string): Promise<HeldDocument>
}

export interface RelayHooks {
  /** Decides whether a connection may open its document, and with what rights. */
  onAuthenticate(request: AuthenticateRequest, documents: DocumentHost): Promise<Authentication>
  /** A document was loaded from storage, before any connection or change reaches it (layout migrations). */
  onLoadDocument?(document: BoardDocument, documents: DocumentHost): Promise<void>
  /** A document's updates were committed (e.g. to reveal late drafts). */
  onStored?(docName: string): void
  /** A connection was admitted or has gone (e.g. to count who is present). */
  onConnectionChange?(session: ConnectionSession, change: 'opened' | 'closed'): void
}
