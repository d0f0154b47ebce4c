/**
 * How several relay instances act as one: whatever one instance commits to a document (and
 * every presence change) is handed to the fan-out, which tells the other instances that have the
 * document loaded; they apply it to their copy and relay it to their own connections, without
 * storing it again (the instance that received it stored it before anyone saw it). The app uses
 * Redis (server/scale/redisFanout.ts); a single instance has none.
 */
import type { BoardDocument } from './boardDocument'

export interface DocumentFanout {
  /** The document is loaded here: start hearing other instances' changes to it; resolves once listening. */
  join(document: BoardDocument): Promise<void>
  /** The document is being unloaded here. */
  leave(document: BoardDocument): void
  /** Updates this instance has committed to a document. */
  publishUpdate(docName: string, update: Uint8Array): void
  /** A presence (awareness) change of one of this instance's connections. */
  publishAwareness(docName: string, awarenessUpdate: Uint8Array): void
}

/** The origin of changes that came from another instance: relayed here, never stored again. */
export const REMOTE_ORIGIN = Symbol('another instance')
