/**
 * Opens one board in this tab: a Y.Doc loaded from the local IndexedDB copy and synced with the
 * relay over y-websocket, and a tldraw store bound to it. The local copy makes a reload show the
 * board at once and keeps offline edits, which y-websocket sends when the connection returns.
 *
 * The store is bound to the doc as soon as the doc holds the board: right after the local copy
 * loads if it has the board's records, else after the first sync with the server (binding an empty
 * doc would seed a fresh page into an existing board that simply has not arrived yet).
 *
 * @example
 *   const connection = openBoardConnection({ boardId, token, readonly: false, maxAssetBytes }, onProblem)
 *   await connection.whenBound
 *   // render <Tldraw store={connection.store} user={connection.identity.user} ... />
 *   connection.close()
 */
import { atom, createTLStore, defaultShapeUtils, type TLStore } from 'tldraw'
import { contributionShapeUtils } from '../contributions'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { createBoardAssetStore } from './assetStore'
import { shouldReconnectAfterClose, trackConnectionStatus } from './connectionStatus'
import { createTldrawIdentity, type TldrawIdentity } from './tldrawUser'
import { bindStoreToDoc, NewerBoardSchemaError, type StoreBinding } from './yjsBinding'

/** How long we wait for the local copy before going on without it (IndexedDB can be unavailable). */
const LOCAL_COPY_TIMEOUT_MS = 1500

export interface BoardConnectionOptions {
  readonly boardId: string
  readonly token: string
  readonly readonly: boolean
  readonly maxAssetBytes: number
}

/** A problem that stops this tab from showing the board; the UI explains it. */
export type BoardProblem = 'newerVersion' | 'unreadable'

export interface BoardConnection {
  /** The canvas document: shapes, cards, threads, reactions, members. */
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** The control document: title and problem statement (facilitators write it). */
  readonly controlDoc: Y.Doc
  readonly controlProvider: WebsocketProvider
  readonly store: TLStore
  readonly identity: TldrawIdentity
  /** Resolves once the store shows the board; rejects with the binding's error if it cannot. */
  readonly whenBound: Promise<void>
  close(): void
}

export function syncServerUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${window.location.host}/sync`
}

function whenLocalCopyLoaded(localCopy: IndexeddbPersistence): Promise<void> {
  let timeout: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    localCopy.whenSynced.then(() => undefined),
    new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, LOCAL_COPY_TIMEOUT_MS)
    }),
  ]).finally(() => clearTimeout(timeout))
}

function whenServerSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return
      provider.off('sync', onSync)
      resolve()
    }
    provider.on('sync', onSync)
  })
}

export function openBoardConnection(
  { boardId, token, readonly, maxAssetBytes }: BoardConnectionOptions,
  onProblem: (problem: BoardProblem) => void,
): BoardConnection {
  const doc = new Y.Doc()
  const localCopy = new IndexeddbPersistence(`think-together:${boardId}`, doc)
  const provider = new WebsocketProvider(syncServerUrl(), boardId, doc, {
    params: { token },
    shouldReconnect: shouldReconnectAfterClose,
  })
  const controlDoc = new Y.Doc()
  const controlLocalCopy = new IndexeddbPersistence(`think-together:${controlDocName(boardId)}`, controlDoc)
  const controlProvider = new WebsocketProvider(syncServerUrl(), controlDocName(boardId), controlDoc, {
    params: { token },
    shouldReconnect: shouldReconnectAfterClose,
    disableBc: true,
  })
  const stopTrackingStatus = trackConnectionStatus(provider)
  const identity = createTldrawIdentity()
  const store = createTLStore({
    shapeUtils: [...defaultShapeUtils, ...contributionShapeUtils],
    assets: createBoardAssetStore({ boardId, token, maxAssetBytes }),
    users: identity.users,
    // `mode` keeps the editor read-only for observers; `status` stays null because our own
    // connection indicator says whether we are online.
    collaboration: { status: null, mode: atom('board mode', readonly ? 'readonly' : 'readwrite') },
  })

  let isClosed = false
  let binding: StoreBinding | null = null
  const whenBound = (async () => {
    await whenLocalCopyLoaded(localCopy)
    if (doc.getMap(TLDRAW_RECORDS_MAP).size === 0) await whenServerSynced(provider)
    if (isClosed) return
    binding = bindStoreToDoc(store, doc, {
      readonly,
      onError: (error) => {
        if (error instanceof NewerBoardSchemaError) return onProblem('newerVersion')
        console.warn(JSON.stringify({ event: 'board.record_skipped', boardId, message: error.message }))
      },
    })
  })()

  return {
    doc,
    provider,
    controlDoc,
    controlProvider,
    store,
    identity,
    whenBound,
    close() {
      isClosed = true
      binding?.dispose()
      stopTrackingStatus()
      provider.destroy()
      controlProvider.destroy()
      void localCopy.destroy()
      void controlLocalCopy.destroy()
      controlDoc.destroy()
      identity.dispose()
      store.dispose()
      doc.destroy()
    },
  }
}
