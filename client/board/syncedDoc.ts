/**
 * One of a board's Yjs documents as this tab holds it: a Y.Doc loaded from its IndexedDB copy
 * (so a reload shows it at once and offline edits survive) and synced with the relay over
 * y-websocket under this person's personal token. Every board document (canvas, conversation,
 * control, people) and the drafts document open through here.
 *
 * When the relay refuses this tab's changes to a document (an observer, a locked board, a phase
 * that does not allow them) it sends one y-protocols auth "permission denied" message and keeps
 * the changes out; this tab keeps them and sends them when the relay asks again. The stock
 * provider would print that refusal with its URL, which holds the token: our handler replaces it
 * and hands the refusal to `onRefused` instead, so the page can say so calmly.
 *
 * @example
 *   const canvas = openSyncedDoc({ name: boardId, token: person.personToken, onRefused: (reason) => held.refuse('canvas', reason) })
 *   await canvas.whenLocalCopyLoaded
 *   canvas.close()
 */
import * as decoding from 'lib0/decoding'
import type * as encoding from 'lib0/encoding'
import { readAuthMessage } from 'y-protocols/auth'
import { IndexeddbPersistence } from 'y-indexeddb'
import { tokenProtocols } from '../../shared/protocol/tokenProtocol'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'
import { shouldReconnectAfterClose } from './connectionStatus'

/** How long we wait for the local copy before going on without it (IndexedDB can be unavailable). */
const LOCAL_COPY_TIMEOUT_MS = 1500

export interface SyncedDocOptions {
  /** The document's name on the relay (see shared/board/docNames.ts). */
  readonly name: string
  /** The personal token: it names this person to the relay. */
  readonly token: string
  /** Called with the relay's reason when it refuses this tab's changes to the document. */
  onRefused?(reason: string): void
  /**
   * Called when the relay asks for everything this tab holds (sync step 1): at the start of each
   * connection, and when it lets this tab write again after a refusal. `holdsMore` says whether
   * this tab holds changes the server lacks (new content past the server's state vector).
   */
  onServerAsks?(holdsMore: boolean): void
  /** Share changes with this browser's other tabs over BroadcastChannel (the canvas does). */
  readonly shareWithTabs?: boolean
}

export interface SyncedDoc {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /** Resolves once the local copy has loaded, or after a short wait if it cannot. */
  readonly whenLocalCopyLoaded: Promise<void>
  /** Resolves once the first sync with the server has finished. */
  whenServerSynced(): Promise<void>
  close(): void
}

export function syncServerUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${window.location.host}/sync`
}

type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider, emitSynced: boolean, messageType: number) => void

/** An auth message handler that reports a refusal without printing anything. */
export function refusalHandler(onRefused: (reason: string) => void): MessageHandler {
  return (_encoder, decoder, provider) => {
    readAuthMessage(decoder, provider.doc, (_doc, reason) => onRefused(reason))
  }
}

/** Whether `doc` holds content (structs) past `stateVector`; deletions alone do not count. */
export function holdsMoreThan(doc: Y.Doc, stateVector: Uint8Array): boolean {
  const theirs = Y.decodeStateVector(stateVector)
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) if (clock > (theirs.get(client) ?? 0)) return true
  return false
}

/**
 * The stock sync handler, telling `onStep1` when the message is the server's sync step 1, and
 * whether the document holds content the server's state vector lacks.
 */
export function watchingSyncHandler(stock: MessageHandler, onStep1: (holdsMore: boolean) => void): MessageHandler {
  return (encoder, decoder, provider, emitSynced, messageType) => {
    const peek = decoding.createDecoder(decoder.arr)
    peek.pos = decoder.pos
    const isStep1 = decoding.hasContent(peek) && decoding.readVarUint(peek) === SyncMessageType.step1
    const holdsMore = isStep1 && holdsMoreThan(provider.doc, decoding.readVarUint8Array(peek))
    stock(encoder, decoder, provider, emitSynced, messageType)
    if (isStep1) onStep1(holdsMore)
  }
}

function whenLoaded(localCopy: IndexeddbPersistence): Promise<void> {
  let timeout: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    localCopy.whenSynced.then(() => undefined),
    new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, LOCAL_COPY_TIMEOUT_MS)
    }),
  ]).finally(() => clearTimeout(timeout))
}

export function openSyncedDoc({ name, token, onRefused = () => {}, onServerAsks, shareWithTabs = false }: SyncedDocOptions): SyncedDoc {
  const doc = new Y.Doc()
  const localCopy = new IndexeddbPersistence(`think-together:${name}`, doc)
  const provider = new WebsocketProvider(syncServerUrl(), name, doc, {
    // The token goes in the handshake's subprotocols, never in the URL (browsers print that).
    protocols: tokenProtocols(token),
    shouldReconnect: shouldReconnectAfterClose,
    disableBc: !shareWithTabs,
  })
  const handlers = provider.messageHandlers as MessageHandler[]
  handlers[MessageType.auth] = refusalHandler(onRefused)
  if (onServerAsks) handlers[MessageType.sync] = watchingSyncHandler(handlers[MessageType.sync], onServerAsks)
  return {
    doc,
    provider,
    whenLocalCopyLoaded: whenLoaded(localCopy),
    whenServerSynced: () => {
      if (provider.synced) return Promise.resolve()
      return new Promise((resolve) => {
        const onSync = (isSynced: boolean) => {
          if (!isSynced) return
          provider.off('sync', onSync)
          resolve()
        }
        provider.on('sync', onSync)
      })
    },
    close() {
      provider.destroy()
      void localCopy.destroy()
      doc.destroy()
    },
  }
}
