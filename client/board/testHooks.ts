/**
 * A window hook for browser tests, set while a board is mounted:
 *
 *   window.__thinkTogether = { editor, doc, provider, controlDoc, controlProvider }
 *
 * - `editor`: the tldraw Editor (read shapes: `editor.getCurrentPageShapes()`; presence:
 *   `editor.getCollaborators()`).
 * - `doc`: the board's Y.Doc (e.g. `doc.getMap('tldraw:records').size`).
 * - `provider`: the y-websocket WebsocketProvider (wait for sync: `provider.synced === true`).
 * - `controlDoc`, `controlProvider`: the same for the board's control document (title, problem).
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
  readonly controlDoc: Y.Doc
  readonly controlProvider: WebsocketProvider
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
