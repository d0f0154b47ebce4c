/**
 * A crowded room can get in, and one address still cannot take the server: the real server
 * process behind a reverse proxy (tests/helpers/forwardingProxy.ts) with TRUST_PROXY, stock
 * y-websocket clients from several loopback addresses (127.0.0.2 is a workshop behind one NAT).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { controlDocName, conversationDocName, draftsDocName, peopleDocName } from '../../shared/board/docNames'
import { createBoard, waitFor, type CreatedBoard } from '../helpers/boardClient'
import { startForwardingProxy, type ForwardingProxy } from '../helpers/forwardingProxy'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { createRawClient, type RawClient } from '../helpers/rawSocket'

/** A stock client whose sockets leave from `localAddress` (another machine, as far as the server can tell). */
function providerFrom(localAddress: string, wsUrl: string, docName: string, token: string): WebsocketProvider {
  class FromAddress extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { localAddress })
    }
  }
  return new WebsocketProvider(wsUrl, docName, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: FromAddress as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  })
}

async function mintFrom(localAddress: string, baseUrl: string, board: CreatedBoard): Promise<{ personId: string; personToken: string; status: number }> {
  const { request } = await import('node:http')
  const url = new URL(`${baseUrl}/api/boards/${board.id}/people`)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { Authorization: `Bearer ${board.tokens.member}` } },
      (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ ...(res.statusCode === 201 ? JSON.parse(body) : {}), status: res.statusCode ?? 0 }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** Opens `count` raw sockets one after another and gives the HTTP status of each upgrade (101 when it opened). */
async function openStatuses(count: number, socket: (i: number) => { url: string; localAddress: string; headers?: Record<string, string> }): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) {
    const { url, ...options } = socket(i)
    const raw = createRawClient(url, options)
    raws.push(raw)
    await raw.opened.then(
      () => statuses.push(101),
      () => statuses.push(raw.httpStatus ?? -1),
    )
  }
  return statuses
}

const WORKSHOP = 150
const providers: WebsocketProvider[] = []
const raws: RawClient[] = []

afterAll(() => {
  for (const provider of providers) provider.destroy()
  for (const raw of raws) raw.close()
})

describe('behind a trusted proxy, with the default limits', () => {
  let server: ServerProcess
  let proxy: ForwardingProxy
  let board: CreatedBoard
  beforeAll(async () => {
    server = await startServerProcess({ env: { TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'warn' } })
    proxy = await startForwardingProxy(server.port)
    board = await createBoard(proxy.url)
  })
  afterAll(async () => {
    await proxy?.close()
    await server?.stop()
    removeDataDir(server.dataDir)
  })

  test(`a ${WORKSHOP}-person workshop behind one NAT address joins: every person's five documents sync`, async () => {
    const people = []
    for (let i = 0; i < WORKSHOP; i++) {
      const person = await mintFrom('127.0.0.2', proxy.url, board)
      expect(person.status).toBe(201)
      people.push(person)
    }
    const opened: WebsocketProvider[] = []
    for (const person of people) {
      for (const docName of [
        board.id,
        conversationDocName(board.id),
        controlDocName(board.id),
        peopleDocName(board.id),
        draftsDocName(board.id, person.personId),
      ]) {
        const provider = providerFrom('127.0.0.2', proxy.wsUrl, docName, person.personToken)
        providers.push(provider)
        opened.push(provider)
      }
      // As a room fills: people arrive over a few seconds, not in one instant.
      if (opened.length % 100 === 0) await waitFor(() => opened.every((provider) => provider.synced), 30_000, 'the first arrivals to sync')
    }
    await waitFor(() => opened.every((provider) => provider.synced), 60_000, `all ${opened.length} documents to sync`)
    expect(opened).toHaveLength(WORKSHOP * 5)
    // Their edits reach each other.
    opened[0].doc.getMap('shapes').set('shape:hello', { x: 1 })
    await waitFor(() => opened[5 * (WORKSHOP - 1)].doc.getMap('shapes').has('shape:hello'), 10_000, 'an edit across the room')
    for (const provider of opened) provider.destroy()
  }, 120_000)
})

describe('one address cannot take the server from everyone else', () => {
  let server: ServerProcess
  let proxy: ForwardingProxy
  let board: CreatedBoard
  beforeAll(async () => {
    // Smaller ceilings than the defaults, so the test opens hundreds of sockets rather than thousands; the rule is the same.
    server = await startServerProcess({
      env: { TRUST_PROXY: '127.0.0.1', MAX_CONNECTIONS_PER_ADDRESS: '120', MAX_CONNECTIONS_PER_TOKEN: '20', LOG_LEVEL: 'warn' },
    })
    proxy = await startForwardingProxy(server.port)
    board = await createBoard(proxy.url)
  })
  afterAll(async () => {
    await proxy?.close()
    await server?.stop()
    removeDataDir(server.dataDir)
  })

  const openMany = (localAddress: string, wsUrl: string, token: string, count: number) =>
    openStatuses(count, () => ({ url: `${wsUrl}/${board.id}?token=${token}`, localAddress }))

  test('one person’s token from one address is capped (MAX_CONNECTIONS_PER_TOKEN), then the address (MAX_CONNECTIONS_PER_ADDRESS); another address joins all the same', async () => {
    const flooder = await mintFrom('127.0.0.3', proxy.url, board)
    const perToken = await openMany('127.0.0.3', proxy.wsUrl, flooder.personToken, 25)
    expect(perToken.slice(0, 20)).toEqual(Array(20).fill(101))
    expect(perToken.slice(20)).toEqual(Array(5).fill(429))
    // More people minted from the same address fill it up to its ceiling, and no further.
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const another = await mintFrom('127.0.0.3', proxy.url, board)
      statuses.push(...(await openMany('127.0.0.3', proxy.wsUrl, another.personToken, 20)))
    }
    expect(statuses.filter((status) => status === 101)).toHaveLength(100)
    expect(statuses.filter((status) => status === 429)).toHaveLength(20)
    // Someone else, behind the same proxy, from another address.
    const other = await mintFrom('127.0.0.4', proxy.url, board)
    expect(other.status).toBe(201)
    const provider = providerFrom('127.0.0.4', proxy.wsUrl, board.id, other.personToken)
    providers.push(provider)
    await waitFor(() => provider.synced, 10_000, 'another address syncs')
  }, 60_000)

  test('without TRUST_PROXY a forged X-Forwarded-For changes nothing: the socket’s own address counts', async () => {
    const direct = await startServerProcess({ env: { MAX_CONNECTIONS_PER_ADDRESS: '5', LOG_LEVEL: 'warn' } })
    try {
      const directBoard = await createBoard(direct.url)
      const statuses = await openStatuses(7, (i) => ({
        url: `${direct.wsUrl}/${directBoard.id}?token=${directBoard.tokens.member}`,
        localAddress: '127.0.0.5',
        headers: { 'X-Forwarded-For': `10.9.9.${i}` },
      }))
      expect(statuses).toEqual([101, 101, 101, 101, 101, 429, 429])
    } finally {
      await direct.stop()
      removeDataDir(direct.dataDir)
    }
  })

  test('with TRUST_PROXY, a client that reaches the server directly (not through the trusted proxy) cannot forge its address either', async () => {
    const statuses = await openStatuses(3, (i) => ({
      url: `${server.wsUrl}/${board.id}?token=${board.tokens.member}`,
      localAddress: '127.0.0.3',
      headers: { 'X-Forwarded-For': `10.8.8.${i}` },
    }))
    // 127.0.0.3 is not the trusted proxy, so its own address counts, whatever it says: and that
    // address is already at its ceiling (the flood above came through the proxy as 127.0.0.3).
    // Had the server believed the header, each socket would have been a fresh address, let in.
    expect(statuses).toEqual([429, 429, 429])
  })
})
