/**
 * Opens one board in this tab: its four shared documents (canvas, conversation, control, people;
 * see shared/board/docNames.ts), each loaded from its IndexedDB copy and synced with the relay
 * under this person's personal token (syncedDoc.ts), and a tldraw store bound to the canvas.
 * The local copies make a reload show the board at once and keep offline edits, which y-websocket
 * sends when the connection returns. Also who this person is on the board (boardIdentity.ts), what
 * they may do now (permissions.ts) and which of their changes the relay holds back (heldChanges.ts).
 *
 * The store is bound to the canvas as soon as it holds the board: right after the local copy
 * loads if it has the board's records, else after the first sync with the server (binding an empty
 * doc would seed a fresh page into an existing board that simply has not arrived yet).
 *
 * @example
 *   const person = await obtainPersonalToken(boardId, boardToken, role)
 *   const connection = openBoardConnection({ boardId, boardToken, person, role, maxAssetBytes, shapeUtils }, onProblem)
 *   await connection.whenBound
 *   // render <Tldraw store={connection.store} user={connection.tldrawIdentity.user} ... />
 *   connection.close()
 */
import { atom, createTLStore, defaultShapeUtils, type TLAnyShapeUtilConstructor, type TLStore } from 'tldraw'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { canvasDocName, controlDocName, conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { canWriteBoard, type BoardRole } from '../../shared/board/roles'
import { startAssetAccess } from './assetAccess'
import { createBoardAssetStore } from './assetStore'
import { createBoardIdentity, type BoardIdentity } from './boardIdentity'
import { trackConnectionStatus } from './connectionStatus'
import { createHeldChanges, type HeldChanges, type HeldDocKind } from './heldChanges'
import { createBoardPermissions, type BoardPermissions } from './permissions'
import type { PersonalToken } from './personalToken'
import { openSyncedDoc, type SyncedDoc } from './syncedDoc'
import { createTldrawIdentity, type TldrawIdentity } from './tldrawUser'
import { bindStoreToDoc, NewerBoardSchemaError, nextFrame, type StoreBinding } from './yjsBinding'

export interface BoardConnectionOptions {
  readonly boardId: string
  /** The board link's token: uploads and images go with it. */
  readonly boardToken: string
  /** This person's personal token: every websocket goes with it. */
  readonly person: PersonalToken
  readonly role: BoardRole
  readonly maxAssetBytes: number
  readonly maxBoardAssetBytes: number
  /** Shape utils the board's features add (client/board/features.ts). */
  readonly shapeUtils: readonly TLAnyShapeUtilConstructor[]
}

/** A problem that stops this tab from showing the board; the UI explains it. */
export type BoardProblem = 'newerVersion' | 'unreadable'

export interface BoardConnection {
  /** Shapes, cards and links; members write it while the phase lets them change the board. */
  readonly canvas: SyncedDoc
  /** Threads, replies, reactions and tours; members write it while they may reply or react. */
  readonly conversation: SyncedDoc
  /** Title, problem statement and facilitation; facilitators write it. */
  readonly control: SyncedDoc
  /** Who has been on the board; only the server writes it. */
  readonly people: SyncedDoc
  readonly store: TLStore
  readonly identity: BoardIdentity
  readonly tldrawIdentity: TldrawIdentity
  readonly permissions: BoardPermissions
  readonly held: HeldChanges
  /** Resolves once the store shows the board; rejects with the binding's error if it cannot. */
  readonly whenBound: Promise<void>
  close(): void
}

export function openBoardConnection(
  { boardId, boardToken, person, role, maxAssetBytes, maxBoardAssetBytes, shapeUtils }: BoardConnectionOptions,
  onProblem: (problem: BoardProblem) => void,
): BoardConnection {
  const readonly = !canWriteBoard(role)
  const token = person.personToken
  // Filled in below; the documents' refusal handlers only run once messages arrive.
  let held: HeldChanges | null = null
  const onRefused = (name: string, kind: HeldDocKind | null) => (reason: string) => {
    if (kind && role === 'member') held?.refuse(kind, reason)
    else console.warn(JSON.stringify({ event: 'board.change_refused', boardId, doc: name, role, reason }))
  }
  const open = (name: string, kind: HeldDocKind | null, shareWithTabs = false) =>
    openSyncedDoc({
      name,
      token,
      shareWithTabs,
      onRefused: onRefused(name, kind),
      onServerAsks: (holdsMore) => kind && role === 'member' && held?.serverAsked(kind, holdsMore),
    })

  const canvas = open(canvasDocName(boardId), 'canvas', true)
  const conversation = open(conversationDocName(boardId), 'conversation')
  const control = open(controlDocName(boardId), null)
  const people = open(peopleDocName(boardId), null)
  const permissions = createBoardPermissions(control.doc, role)
  held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })

  const stopTrackingStatus = trackConnectionStatus(canvas.provider)
  const awareness = canvas.provider.awareness
  const identity = createBoardIdentity({
    boardId,
    person,
    peopleDoc: people.doc,
    peopleProvider: people.provider,
    // The same presence once more, for the relay to stamp with the name the server now knows.
    onSaved: () => {
      const state = awareness.getLocalState()
      if (state) awareness.setLocalState(state)
    },
  })
  const tldrawIdentity = createTldrawIdentity(identity)
  const assetAccess = startAssetAccess(boardId, boardToken)
  const store = createTLStore({
    shapeUtils: [...defaultShapeUtils, ...shapeUtils],
    assets: createBoardAssetStore({ boardId, token: boardToken, maxAssetBytes, maxBoardAssetBytes, accessReady: assetAccess.ready }),
    users: tldrawIdentity.users,
    // `mode` keeps the editor read-only for observers; `status` stays null because our own
    // connection indicator says whether we are online.
    collaboration: { status: null, mode: atom('board mode', readonly ? 'readonly' : 'readwrite') },
  })

  let isClosed = false
  let binding: StoreBinding | null = null
  const whenBound = (async () => {
    await canvas.whenLocalCopyLoaded
    if (canvas.doc.getMap(TLDRAW_RECORDS_MAP).size === 0) await canvas.whenServerSynced()
    if (isClosed) return
    binding = bindStoreToDoc(store, canvas.doc, {
      readonly,
      // One store commit per frame for everything others changed (see scheduleRemote).
      scheduleRemote: nextFrame,
      onError: (error) => {
        if (error instanceof NewerBoardSchemaError) return onProblem('newerVersion')
        console.warn(JSON.stringify({ event: 'board.record_skipped', boardId, message: error.message }))
      },
    })
  })()

  return {
    canvas,
    conversation,
    control,
    people,
    store,
    identity,
    tldrawIdentity,
    permissions,
    held,
    whenBound,
    close() {
      isClosed = true
      binding?.dispose()
      stopTrackingStatus()
      held?.dispose()
      permissions.dispose()
      identity.dispose()
      tldrawIdentity.dispose()
      assetAccess.dispose()
      for (const synced of [canvas, conversation, control, people]) synced.close()
      store.dispose()
    },
  }
}
