/**
 * A window hook for browser tests, set while a board is mounted:
 *
 *   window.__thinkTogether = { editor, doc, provider, conversationDoc, conversationProvider, controlDoc,
 *                              controlProvider, peopleDoc, peopleProvider, personId }
 *
 * - `editor`: the tldraw Editor (read shapes: `editor.getCurrentPageShapes()`; presence:
 *   `editor.getCollaborators()`).
 * - `doc`: the board's canvas Y.Doc (e.g. `doc.getMap('tldraw:records').size`, `doc.getMap('cards')`).
 * - `provider`: its y-websocket WebsocketProvider (wait for sync: `provider.synced === true`).
 * - `conversationDoc`, `conversationProvider`: the same for threads, reactions and tours.
 * - `controlDoc`, `controlProvider`: the same for the control document (title, problem, facilitation).
 * - `peopleDoc`, `peopleProvider`: the same for the people document (members; the server writes it).
 * - `personId`: this person's id on the board (from their personal token).
 *
 * It is removed again when the board unmounts. Nothing in the app reads it.
 */
import type { Editor } from 'tldraw'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'

export interface ThinkTogetherTestHooks {
  readonly editor: Editor
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly conversationDoc: Y.Doc
  readonly conversationProvider: WebsocketProvider
  readonly controlDoc: Y.Doc
  readonly controlProvider: WebsocketProvider
  readonly peopleDoc: Y.Doc
  readonly peopleProvider: WebsocketProvider
  readonly personId: string
}

declare global {
  interface Window {
    __thinkTogether?: ThinkTogetherTestHooks
  }
}

export function exposeBoardForTests(hooks: ThinkTogetherTestHooks): () => void {
  window.__thinkTogether = hooks
  return () => {
    if (window.__thinkTogether === hooks) delete window.__thinkTogether
  }
}
