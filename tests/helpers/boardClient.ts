/**
 * Test clients that talk to a running server the way real users' browsers do: the boards API
 * over HTTP and the stock y-websocket WebsocketProvider over a real websocket.
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { readAuthMessage } from 'y-protocols/auth'
import { MessageType } from '../../shared/protocol/messages'
import type { BoardRole } from '../../shared/board/roles'

export interface CreatedBoard {
  id: string
  links: Record<BoardRole, string>
  tokens: Record<BoardRole, string>
}

export async function createBoard(
  baseUrl: string,
  title = 'How do we hand over patients safely?',
  problem = 'Handovers lose information.',
): Promise<CreatedBoard> {
  const response = await fetch(`${baseUrl}/api/boards`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, problem }),
  })
  if (response.status !== 201) throw new Error(`creating a board answered ${response.status}: ${await response.text()}`)
  const body = (await response.json()) as { id: string; links: Record<BoardRole, string> }
  const tokens = Object.fromEntries(Object.entries(body.links).map(([role, link]) => [role, new URL(link).hash.replace('#token=', '')])) as Record<
    BoardRole,
    string
  >
  return { ...body, tokens }
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Reasons the server gave in auth permission-denied messages. */
  denials: string[]
  closeCodes: number[]
  destroy(): void
}

export function connectClient(wsUrl: string, boardId: string, token: string | null, doc = new Y.Doc()): TestClient {
  const denials: string[] = []
  const closeCodes: number[] = []
  const provider = new WebsocketProvider(wsUrl, boardId, doc, {
    params: token === null ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  })
  provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code)
  })
  // Record the server's refusal reasons. The stock handler would only print them, with the
  // provider's URL (and so the token) in the line, as the app's own client never does.
  provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
    readAuthMessage(decoder, doc, (_doc, reason) => denials.push(reason))
  }
  return {
    doc,
    provider,
    denials,
    closeCodes,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

export function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now()
    const check = () => {
      if (condition()) return resolvePromise()
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(check, 20)
    }
    check()
  })
}

export function waitForSync(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => client.provider.synced, timeoutMs, 'sync')
}

export const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms))
