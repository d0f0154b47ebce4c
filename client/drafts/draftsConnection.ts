/**
 * This person's private drafts document (`<boardId>.drafts.<personId>`), synced with the relay
 * under their personal token and kept in IndexedDB, so drafts written offline survive a reload and
 * reach the server (and, after a reveal, the board) when the browser reconnects.
 */
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { draftsDocName } from '../../shared/board/docNames'
import type { PersonalToken } from '../board/personalToken'
import { openSyncedDoc } from '../board/syncedDoc'

export interface DraftsConnection {
  readonly personId: string
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  close(): void
}

export function openDraftsConnection(boardId: string, person: PersonalToken): DraftsConnection {
  const name = draftsDocName(boardId, person.personId)
  const synced = openSyncedDoc({
    name,
    token: person.personToken,
    onRefused: (reason) => console.warn(JSON.stringify({ event: 'drafts.change_refused', boardId, reason })),
  })
  return { personId: person.personId, doc: synced.doc, provider: synced.provider, close: synced.close }
}
