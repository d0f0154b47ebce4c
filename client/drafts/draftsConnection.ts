/**
 * This person's private drafts document (`<boardId>.drafts.<personId>`), synced with the relay
 * under their personal token and kept in IndexedDB, so drafts written offline survive a reload and
 * reach the server (and, after a reveal, the board) when the browser reconnects.
 */
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { draftsDocName } from '../../shared/board/docNames'
import { syncServerUrl } from '../board/boardConnection'
import { shouldReconnectAfterClose } from '../board/connectionStatus'
import type { PersonalToken } from '../board/personalToken'

export interface DraftsConnection {
  readonly personId: string
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  close(): void
}

export function openDraftsConnection(boardId: string, person: PersonalToken): DraftsConnection {
  const name = draftsDocName(boardId, person.personId)
  const doc = new Y.Doc()
  const localCopy = new IndexeddbPersistence(`think-together:${name}`, doc)
  const provider = new WebsocketProvider(syncServerUrl(), name, doc, {
    params: { token: person.personToken },
    shouldReconnect: shouldReconnectAfterClose,
    disableBc: true,
  })
  return {
    personId: person.personId,
    doc,
    provider,
    close() {
      provider.destroy()
      void localCopy.destroy()
      doc.destroy()
    },
  }
}
