/**
 * Clients for fault tests: a stock y-websocket client that records every document update the
 * server sends it (a "witness"), raw `ws` sockets that speak just enough of the protocol to join a
 * board and then misbehave (stop reading, vanish mid-handshake), and a raw TCP client that hangs
 * up right after its upgrade request.
 *
 * @example
 *   const witness = connectWitness(server.wsUrl, board.id, board.tokens.observer)
 *   // ...kill the server...
 *   expect(updatesMissingFrom(readStoredDocument(dir, board.id), witness.received)).toEqual([])
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'
import { connectClient, type TestClient } from './boardClient'

export interface WitnessClient extends TestClient {
  /** Payloads of every sync step 2 and update message the server sent, in arrival order. */
  received: Uint8Array[]
}

/** A stock client that keeps a copy of every update it receives, before the provider applies it. */
export function connectWitness(wsUrl: string, boardId: string, token: string): WitnessClient {
  const client = connectClient(wsUrl, boardId, token)
  const received: Uint8Array[] = []
  const handleSync = client.provider.messageHandlers[MessageType.sync]
  client.provider.messageHandlers[MessageType.sync] = (encoder, decoder, provider, emitSynced, messageType) => {
    const peek = decoding.createDecoder(decoder.arr)
    peek.pos = decoder.pos
    const syncType = decoding.readVarUint(peek)
    if (syncType === SyncMessageType.step2 || syncType === SyncMessageType.update) {
      received.push(decoding.readVarUint8Array(peek).slice())
    }
    handleSync(encoder, decoder, provider, emitSynced, messageType)
  }
  return { ...client, received }
}

/** A y-websocket sync step 1 frame (message type 0) for `doc`'s state. */
export function syncStep1Frame(doc: Y.Doc = new Y.Doc()): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** A y-websocket update frame carrying `update`. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

export function boardSocketUrl(wsUrl: string, boardId: string, token: string): string {
  return `${wsUrl}/${boardId}?token=${encodeURIComponent(token)}`
}

/** The TCP socket under a `ws` WebSocket (ws keeps it in a private field). */
export function tcpSocketOf(ws: WebSocket): Socket {
  const socket = (ws as unknown as { _socket?: Socket })._socket
  if (!socket) throw new Error('websocket has no TCP socket yet')
  return socket
}

/** Resolves once the socket is closed; never rejects (errors are expected in fault tests). */
export function whenClosed(ws: WebSocket): Promise<{ code: number }> {
  return new Promise((resolvePromise) => {
    if (ws.readyState === WebSocket.CLOSED) return resolvePromise({ code: 1006 })
    ws.on('error', () => {})
    ws.once('close', (code: number) => resolvePromise({ code }))
  })
}

export function whenOpen(ws: WebSocket): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    ws.once('open', () => resolvePromise())
    ws.once('error', reject)
  })
}

/** A client-to-server websocket frame (binary, masked as the protocol requires of clients). */
function maskedBinaryFrame(payload: Uint8Array): Buffer {
  const mask = randomBytes(4)
  const header = payload.length < 126 ? Buffer.from([0x82, 0x80 | payload.length]) : Buffer.from([0x82, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))
  return Buffer.concat([header, mask, masked])
}

/**
 * Sends a websocket upgrade request and `frames` in one write, then hangs up at once, so the
 * server sees the connection end before it can have admitted it (token check, document load).
 * Resolves when the TCP connection is closed.
 */
export function upgradeAndHangUp(wsUrl: string, docName: string, token: string, frames: Uint8Array[] = []): Promise<void> {
  const url = new URL(boardSocketUrl(wsUrl, docName, token))
  return new Promise((resolvePromise) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      const request =
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
      socket.end(Buffer.concat([Buffer.from(request), ...frames.map(maskedBinaryFrame)]))
    })
    socket.on('error', () => {})
    socket.on('close', () => resolvePromise())
    socket.resume()
  })
}
