/**
 * Faults over real process boundaries: the real server process (one node process, so signals
 * reach it; see tests/helpers/serverProcess.ts), real SQLite in a temp dir, stock
 * y-websocket clients and raw `ws` sockets. Rules from the relay's design are named in the test
 * titles. Randomized tests print their seed; replay with KILL_SEED=<seed> (KILL_ROUNDS=<n>).
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import WebSocket from 'ws'
import { BOARD_MAP } from '../../shared/board/docLayout'
import { canvasDocName, controlDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { shouldReconnectAfterClose } from '../../client/board/connectionStatus'
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, sleep, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { metric, readMetrics, waitForMetric } from '../helpers/metrics'
import { databasePath, describeDifference, readStoredDocument, updatesMissingFrom } from '../helpers/faultsStoredDocument'
import {
  boardSocketUrl,
  connectWitness,
  syncStep1Frame,
  syncUpdateFrame,
  tcpSocketOf,
  upgradeAndHangUp,
  whenClosed,
  whenOpen,
  type WitnessClient,
} from '../helpers/faultsClients'
import { EDITED_TYPES, randomEdit } from '../helpers/convergenceEdits'

const KILL_ROUNDS = Number(process.env.KILL_ROUNDS ?? 5)
const KILL_SEED = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 2 ** 31))

/**
 * Bursts in these tests are faster than a person types; the rate limits are not under test here,
 * nor is the cap on updates waiting to be screened (on a loaded machine the screen falls behind a
 * burst and the writer would be closed with 4529).
 */
const BURST_FRIENDLY_LIMITS = {
  RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
  RATE_LIMIT_MESSAGE_BURST: '100000',
  RATE_LIMIT_BYTES_PER_SECOND: '1000000000',
  RATE_LIMIT_BYTE_BURST: '1000000000',
  MAX_QUEUED_UPDATES: '100000',
}

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const sockets: WebSocket[] = []
const dataDirs: string[] = []
const databases: Database.Database[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const ws of sockets.splice(0)) ws.terminate()
  for (const db of databases.splice(0)) if (db.open) db.close()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const d of dataDirs.splice(0)) removeDataDir(d)
})

function dataDir(): string {
  const dir = makeDataDir()
  dataDirs.push(dir)
  return dir
}

async function start(dir: string, env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir: dir, env, port })
  servers.push(server)
  return server
}

function client(server: ServerProcess, boardId: string, token: string): TestClient {
  const c = connectClient(server.wsUrl, boardId, token)
  clients.push(c)
  return c
}

function witness(server: ServerProcess, boardId: string, token: string): WitnessClient {
  const w = connectWitness(server.wsUrl, boardId, token)
  clients.push(w)
  return w
}

function rawSocket(server: ServerProcess, boardId: string, token: string): WebSocket {
  const ws = new WebSocket(boardSocketUrl(server.wsUrl, boardId, token))
  ws.on('error', () => {})
  sockets.push(ws)
  return ws
}

/**
 * Random edits, a few at a time with short pauses, until told to stop. Resolves with the count.
 * The pauses (seeded) are the workload's pacing, not synchronization.
 */
async function editBurst(doc: Y.Doc, gen: prng.PRNG, keepGoing: () => boolean): Promise<number> {
  let edits = 0
  while (keepGoing()) {
    const batch = prng.int32(gen, 1, 2)
    for (let i = 0; i < batch; i++, edits++) randomEdit(doc, gen)
    await sleep(prng.int32(gen, 1, 6))
  }
  return edits
}

function stateVector(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc))
}

/** The clock of every client any of `docs` has seen: what all of them hold once they converge. */
function unionStateVector(docs: Y.Doc[]): Map<number, number> {
  const union = new Map<number, number>()
  for (const doc of docs) for (const [id, clock] of stateVector(doc)) union.set(id, Math.max(clock, union.get(id) ?? 0))
  return union
}

function sameStateVector(a: Map<number, number>, b: Map<number, number>): boolean {
  return a.size === b.size && [...a].every(([id, clock]) => b.get(id) === clock)
}

/** Edits a writer holds that storage does not (sent too late, or never sent, before the fault). */
function clocksAhead(doc: Y.Doc, stored: Y.Doc): number {
  const storedClock = stateVector(stored)
  let ahead = 0
  for (const [id, clock] of stateVector(doc)) ahead += Math.max(0, clock - (storedClock.get(id) ?? 0))
  return ahead
}

/** Waits until every client is connected, synced and holds the same state as the writers together. */
async function waitForConvergence(all: TestClient[], writers: TestClient[], what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    () => {
      const target = unionStateVector(writers.map((w) => w.doc))
      return all.every((c) => c.provider.wsconnected && c.provider.synced && sameStateVector(stateVector(c.doc), target))
    },
    timeoutMs,
    what,
  )
}

async function closesWith(server: ServerProcess, code: number): Promise<number> {
  return metric(await readMetrics(server.url), `tt_connections_closed_total{code="${code}"}`)
}

describe('crash: kill -9', () => {
  test(
    `kill -9 in the middle of a write burst loses no update any client received (stored before relayed); seed=${KILL_SEED}`,
    async () => {
      console.log(`[relay.faults] kill -9: seed=${KILL_SEED}, rounds=${KILL_ROUNDS} (replay: KILL_SEED=${KILL_SEED} KILL_ROUNDS=${KILL_ROUNDS})`)
      const gen = prng.create(KILL_SEED)
      const dir = dataDir()
      // Compacting often puts snapshots (not just the update log) in the path of every crash.
      const env = { ...BURST_FRIENDLY_LIMITS, COMPACT_AFTER_UPDATES: '150' }
      let server = await start(dir, env)
      const board = await createBoard(server.url)
      let roundsRun = 0
      let updatesReceived = 0
      let updatesLost = 0
      for (let round = 1; round <= KILL_ROUNDS; round++) {
        const context = `round ${round} of seed ${KILL_SEED}`
        const writers = [0, 1, 2].map(() => client(server, board.id, board.tokens.member))
        const witnesses = [0, 1].map(() => witness(server, board.id, board.tokens.member))
        await Promise.all([...writers, ...witnesses].map((c) => waitForSync(c)))
        const received = () => witnesses.reduce((sum, w) => sum + w.received.length, 0)
        const receivedBeforeBurst = received()

        let writing = true
        const burstStarted = performance.now()
        const bursts = writers.map((w) => editBurst(w.doc, prng.create(prng.uint32(gen, 0, 2 ** 31)), () => writing))
        // Kill at a random moment once the relay is relaying the burst (on a loaded machine it can
        // take a while to start), so there is always something in flight to lose. The seeded pause
        // picks that moment; it waits for nothing.
        await waitFor(() => received() > receivedBeforeBurst, 20_000, `${context}: the burst to be relayed`)
        await sleep(prng.int32(gen, 0, 700))
        const killedAt = performance.now()
        const killAfterMs = Math.round(killedAt - burstStarted)
        await server.stop('SIGKILL')
        const killMs = performance.now() - killedAt
        // Writers go on editing offline for a moment (seeded, like the kill); those edits must
        // arrive after the restart.
        await sleep(prng.int32(gen, 0, 100))
        writing = false
        const edits = (await Promise.all(bursts)).reduce((sum, n) => sum + n, 0)

        const stored = readStoredDocument(dir, board.id)
        const receivedInBurst = received() - receivedBeforeBurst
        for (const w of witnesses) {
          const missing = updatesMissingFrom(stored, w.received)
          updatesReceived += w.received.length
          updatesLost += missing.length
          expect(missing, `${context}: updates a client received are missing from storage after kill -9`).toEqual([])
        }
        const unstoredAtKill = writers.reduce((sum, w) => sum + clocksAhead(w.doc, stored), 0)
        stored.destroy()

        server = await start(dir, env, server.port)
        await waitForConvergence([...writers, ...witnesses], writers, `${context}: convergence after restart`)
        // Clients can converge a moment before the last of their updates is committed (a
        // delete-only update changes no content); storage must match within a few seconds.
        const storedDifference = () => {
          const afterRestart = readStoredDocument(dir, board.id)
          const difference = describeDifference(afterRestart, writers[0].doc, EDITED_TYPES)
          afterRestart.destroy()
          return difference
        }
        await expect.poll(storedDifference, { timeout: 5000, interval: 100, message: `${context}: storage after restart` }).toBeNull()
        console.log(
          `[relay.faults] kill -9 round ${round}: killed ${killAfterMs} ms into the burst (kill took ${killMs.toFixed(1)} ms); ` +
            `${edits} edits, ${receivedInBurst} updates relayed to witnesses, ${unstoredAtKill} items not yet stored at the kill ` +
            `(recovered from the writers after the restart), 0 lost`,
        )
        for (const c of [...writers, ...witnesses]) {
          c.destroy()
          clients.splice(clients.indexOf(c), 1)
        }
        roundsRun++
      }
      console.log(`[relay.faults] kill -9: ${roundsRun} rounds, ${updatesReceived} received updates checked, ${updatesLost} lost (seed ${KILL_SEED})`)
      expect(roundsRun).toBe(KILL_ROUNDS)
      expect(updatesLost).toBe(0)
    },
    60_000 + KILL_ROUNDS * 15_000,
  )
})

describe('shutdown: SIGTERM', () => {
  test('SIGTERM mid-burst: no new connections, everything received is stored, sockets close with 1001, exit 0; clients reconnect and converge', async () => {
    const dir = dataDir()
    const env = { ...BURST_FRIENDLY_LIMITS }
    const first = await start(dir, env)
    const board = await createBoard(first.url)
    const writers = [0, 1, 2, 3].map(() => client(first, board.id, board.tokens.member))
    const watcher = witness(first, board.id, board.tokens.member)
    await Promise.all([...writers, watcher].map((c) => waitForSync(c)))

    let writing = true
    const gen = prng.create(7)
    const receivedBeforeBurst = watcher.received.length
    const bursts = writers.map((w) => editBurst(w.doc, prng.create(prng.uint32(gen, 0, 2 ** 31)), () => writing))
    // Mid-burst: the relay is relaying the burst (on a loaded machine it can take a while to start).
    await waitFor(() => watcher.received.length > receivedBeforeBurst, 20_000, 'the burst to be relayed')
    const exitCode = first.stop('SIGTERM')
    // Knock on the door while the server shuts down: nobody may get in. (On a loaded machine the
    // signal is handled late; connections made before that are served, and rightly so.)
    await waitFor(() => first.logs.some((line) => line.msg === 'shutting down'), 10_000, 'shutdown to begin')
    let admitted = 0
    let exited = false
    const knocks: Array<Promise<unknown>> = []
    void exitCode.then(() => (exited = true))
    while (!exited) {
      const late = rawSocket(first, board.id, board.tokens.member)
      knocks.push(whenClosed(late))
      late.on('open', () => late.send(syncStep1Frame()))
      late.on('message', () => admitted++)
      // The knocks' pacing, not synchronization: the loop ends when the process has exited.
      await sleep(5)
    }
    writing = false
    await Promise.all(bursts)
    expect(await exitCode).toBe(0)
    // Every knock's socket has closed, so anything the server sent on one has been read.
    await Promise.all(knocks)
    expect(admitted, 'a connection made during shutdown was served').toBe(0)

    const stopLog = first.logs.map((line) => line.msg)
    const shutdownAt = stopLog.indexOf('shutting down')
    expect(shutdownAt).toBeGreaterThanOrEqual(0)
    expect(stopLog.slice(shutdownAt)).not.toContain('connection opened')
    expect(stopLog).toContain('server stopped')

    await waitFor(() => [...writers, watcher].every((c) => c.closeCodes.length > 0), 5000, 'every client told')
    const closeCodesAtShutdown = [...writers, watcher].map((c) => c.closeCodes[0])

    const stored = readStoredDocument(dir, board.id)
    expect(updatesMissingFrom(stored, watcher.received), 'updates relayed before shutdown but not stored').toEqual([])
    const unstored = writers.reduce((sum, w) => sum + clocksAhead(w.doc, stored), 0)
    stored.destroy()

    const second = await start(dir, env, first.port)
    await waitForConvergence([...writers, watcher], writers, 'convergence after restart')
    const afterRestart = readStoredDocument(dir, board.id)
    expect(describeDifference(afterRestart, writers[0].doc, EDITED_TYPES)).toBeNull()
    afterRestart.destroy()
    expect(await closesWith(second, CloseCode.goingAway)).toBe(0)
    expect(closeCodesAtShutdown, 'close codes the clients saw at shutdown').toEqual(closeCodesAtShutdown.map(() => CloseCode.goingAway))
    console.log(
      `[relay.faults] SIGTERM: ${knocks.length} connection attempts during shutdown, 0 served; ` +
        `${unstored} items sent too late for the old server were stored after the restart`,
    )
  }, 60_000)

  test('SIGTERM: a client that is behind on reading when the server stops still gets close code 1001 once it catches up (within the close grace period)', async () => {
    const server = await start(dataDir(), BURST_FRIENDLY_LIMITS)
    const board = await createBoard(server.url)
    const writer = client(server, board.id, board.tokens.member)
    const lagging = client(server, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(lagging)])
    const laggingSocket = tcpSocketOf(lagging.provider.ws as unknown as WebSocket)
    laggingSocket.pause()
    // ~8 MiB: more than the kernel buffers between the two hold, far less than MAX_BUFFERED_BYTES.
    // (The pause paces the writer like a person pasting images; the wait after the loop is on the
    // server having stored all of them.)
    for (let i = 0; i < 64; i++) {
      writer.doc.getMap('blobs').set('blob', new Uint8Array(randomBytes(128 * 1024)))
      await sleep(5)
    }
    await waitForMetric(server.url, 'tt_updates_stored_total', (stored) => stored >= 64, 20_000)
    const exitCode = server.stop('SIGTERM')
    // The server closes every connection at once: when the writer (reading) has its close, the
    // lagging client's close frame is queued behind what it has not read. Only then catch up.
    await waitFor(() => writer.closeCodes.length > 0, 10_000, 'the writer to see the shutdown close')
    laggingSocket.resume()
    expect(await exitCode).toBe(0)
    await waitFor(() => lagging.closeCodes.length > 0 && writer.closeCodes.length > 0, 5000, 'both clients to see the close')
    expect(writer.closeCodes[0]).toBe(CloseCode.goingAway)
    expect(lagging.closeCodes[0], 'the lagging client was cut off without the close frame (1006)').toBe(CloseCode.goingAway)
  }, 60_000)
})

describe('slow consumers (MAX_BUFFERED_BYTES)', () => {
  const BLOB_BYTES = 128 * 1024
  const MAX_BUFFERED_BYTES = 512 * 1024
  const slowEnv = {
    ...BURST_FRIENDLY_LIMITS,
    MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
    // A socket that reads nothing is behind for good: closed after this (an honest reader that
    // falls behind while this process is busy reads again within it and is caught up instead).
    SLOW_CONSUMER_TIMEOUT_MS: '3000',
    // Each blob overwrites the last, so the live document stays small and memory is about buffers.
    COMPACT_AFTER_UPDATES: '50',
  }

  /**
   * Writes blobs until `enough()` or `max` blobs; returns how many were written. The pauses pace
   * the writer (and let the server's log lines in for `enough`); callers wait on conditions.
   */
  async function writeBlobs(writer: TestClient, max: number, enough: () => boolean = () => false): Promise<number> {
    let written = 0
    while (written < max && !enough()) {
      writer.doc.getMap('blobs').set('blob', new Uint8Array(randomBytes(BLOB_BYTES)))
      written++
      await sleep(written % 4 === 0 ? 10 : 0)
    }
    return written
  }

  function sameBlob(a: TestClient, b: TestClient): boolean {
    const left = a.doc.getMap('blobs').get('blob') as Uint8Array | undefined
    const right = b.doc.getMap('blobs').get('blob') as Uint8Array | undefined
    return left !== undefined && right !== undefined && Buffer.from(left).equals(Buffer.from(right))
  }

  function slowConsumerCloses(server: ServerProcess): number {
    return server.logs.filter((line) => line.msg === 'closing connection' && line.closeCode === CloseCode.slowConsumer).length
  }

  test('a raw client that stops reading is closed with 4508 after SLOW_CONSUMER_TIMEOUT_MS and the server queues only a bounded amount for it; honest clients keep syncing', async () => {
    const server = await start(dataDir(), slowEnv)
    const board = await createBoard(server.url)
    const writer = client(server, board.id, board.tokens.member)
    const reader = client(server, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(reader)])

    const slow = rawSocket(server, board.id, board.tokens.member)
    await whenOpen(slow)
    let slowBytes = 0
    const firstFrame = new Promise((resolvePromise) => slow.once('message', resolvePromise))
    slow.on('message', (data: Buffer) => (slowBytes += data.length))
    slow.send(syncStep1Frame())
    await firstFrame
    tcpSocketOf(slow).pause()
    const slowClosed = whenClosed(slow)

    const baseline = metric(await readMetrics(server.url), 'tt_process_resident_memory_bytes')
    let peak = baseline
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const rss = await readMetrics(server.url).then(
          (m) => metric(m, 'tt_process_resident_memory_bytes'),
          () => 0,
        )
        peak = Math.max(peak, rss)
        await sleep(100) // the sampling interval
      }
    })()
    const started = performance.now()
    const written = await writeBlobs(writer, 160)
    await waitFor(() => slowConsumerCloses(server) > 0, 15_000, 'the slow consumer to be closed (4508)')
    // Read what the server queued for the slow socket before it gave up on it (within the close
    // grace period, so nothing queued is thrown away): a bounded queue is far less than was written.
    tcpSocketOf(slow).resume()
    const slowClose = await slowClosed
    await waitFor(() => sameBlob(writer, reader), 15_000, 'the honest reader to receive the last blob')
    const relayMs = performance.now() - started
    sampling = false
    await sampler

    expect(sameStateVector(stateVector(reader.doc), stateVector(writer.doc))).toBe(true)
    expect(writer.closeCodes, 'the writer was closed').toEqual([])
    expect(reader.closeCodes, 'the honest reader was closed').toEqual([])
    expect(await closesWith(server, CloseCode.slowConsumer)).toBe(1)
    await waitForMetric(server.url, 'tt_connections', (open) => open === 2)
    const writtenBytes = written * BLOB_BYTES
    console.log(
      `[relay.faults] slow consumer: ${written} × ${BLOB_BYTES / 1024} KiB (${(writtenBytes / 2 ** 20).toFixed(1)} MiB) written and relayed to the honest reader in ${relayMs.toFixed(0)} ms; ` +
        `the paused socket was sent ${(slowBytes / 2 ** 20).toFixed(1)} MiB (kernel buffers + at most MAX_BUFFERED_BYTES + a frame) and closed with ${slowClose.code}; ` +
        `server RSS peak +${(peak - baseline) / 2 ** 20 > 0 ? ((peak - baseline) / 2 ** 20).toFixed(1) : '0'} MiB over ${(baseline / 2 ** 20).toFixed(0)} MiB`,
    )
    expect([CloseCode.slowConsumer, 1006]).toContain(slowClose.code)
    // Unbounded, the server would have queued everything written for the paused socket.
    expect(slowBytes).toBeLessThan(writtenBytes / 2)
  }, 60_000)

  test.each([
    ['stock y-websocket client (default shouldReconnect)', undefined],
    ["client with the app's reconnect policy (client/board/connectionStatus.ts)", shouldReconnectAfterClose],
  ] as const)(
    'a %s that reads nothing for SLOW_CONSUMER_TIMEOUT_MS is closed with 4508, reconnects on its own and resyncs (never stuck with missing updates)',
    async (_name, policy) => {
      const server = await start(dataDir(), slowEnv)
      const board = await createBoard(server.url)
      const writer = client(server, board.id, board.tokens.member)
      const slow = client(server, board.id, board.tokens.member)
      if (policy) slow.provider.shouldReconnect = policy
      await Promise.all([waitForSync(writer), waitForSync(slow)])
      const slowSocket = tcpSocketOf(slow.provider.ws as unknown as WebSocket)
      slowSocket.pause()
      await writeBlobs(writer, 80)
      await waitFor(() => slowConsumerCloses(server) > 0, 15_000, 'the paused client to be closed after SLOW_CONSUMER_TIMEOUT_MS')
      expect(slowConsumerCloses(server)).toBe(1)
      // The client catches up before the server's close grace period ends and reads the close frame.
      slowSocket.resume()
      writer.doc.getMap('blobs').set('marker', 'written after the slow client was closed')
      await waitFor(() => slow.closeCodes.length > 0, 10_000, 'the slow client to see its connection close')
      try {
        // Generous: a stuck client never resyncs, and on a loaded machine a resync takes seconds.
        await waitFor(() => slow.provider.synced && sameBlob(writer, slow) && slow.doc.getMap('blobs').has('marker'), 20_000, 'the slow client to resync')
      } catch {
        throw new Error(
          `the slow client is stuck with missing updates: close codes ${JSON.stringify(slow.closeCodes)}, ` +
            `shouldConnect=${slow.provider.shouldConnect}, wsconnected=${slow.provider.wsconnected}`,
        )
      }
      expect(sameStateVector(stateVector(slow.doc), stateVector(writer.doc))).toBe(true)
    },
    60_000,
  )

  test('a stock client that stops reading for a while falls behind and, once it reads again, is caught up on the same connection', async () => {
    const server = await start(dataDir(), { ...slowEnv, SLOW_CONSUMER_TIMEOUT_MS: '60000' })
    const board = await createBoard(server.url)
    const writer = client(server, board.id, board.tokens.member)
    const slow = client(server, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(slow)])
    const slowSocket = tcpSocketOf(slow.provider.ws as unknown as WebSocket)
    slowSocket.pause()
    const fellBehind = () => server.logs.some((line) => line.msg === 'connection fell behind')
    const written = await writeBlobs(writer, 400, fellBehind)
    await waitFor(fellBehind, 15_000, 'the paused client to fall behind')
    // Written while it was behind: reaches it only through the catch-up.
    for (let i = 0; i < 8; i++) writer.doc.getMap('blobs').set(`while-behind-${i}`, new Uint8Array(randomBytes(BLOB_BYTES)))
    writer.doc.getMap('blobs').set('marker', 'written while the client was behind')
    slowSocket.resume()
    await waitFor(() => sameBlob(writer, slow) && slow.doc.getMap('blobs').has('marker'), 20_000, 'the catch-up')
    expect(sameStateVector(stateVector(slow.doc), stateVector(writer.doc))).toBe(true)
    expect(slow.closeCodes, 'the slow client was disconnected').toEqual([])
    expect(slowConsumerCloses(server)).toBe(0)
    await waitForMetric(server.url, 'tt_connection_catch_ups_total', (count) => count >= 1)
    console.log(
      `[relay.faults] catch-up: a stock client paused while ${written} × ${BLOB_BYTES / 1024} KiB were written fell behind and was caught up on the same connection`,
    )
  }, 60_000)
})

describe('connections that vanish during the initial sync', () => {
  test('220 clients that disconnect mid-handshake leave no connection, and no document after DOCUMENT_IDLE_MS', async () => {
    const server = await start(dataDir(), { DOCUMENT_IDLE_MS: '200', MAX_FRAMES_BEFORE_OPEN: '4' })
    const board = await createBoard(server.url)
    const heapBefore = metric(await readMetrics(server.url), 'tt_nodejs_heap_size_used_bytes')
    const gen = prng.create(20240611)
    const updateFrame = (() => {
      const doc = new Y.Doc()
      doc.getMap('vanishing').set('written', 'by a client that left at once')
      return syncUpdateFrame(Y.encodeStateAsUpdate(doc))
    })()

    /** One short-lived connection to one of the board's documents; `variant` says when it goes away. */
    async function vanish(docName: string, variant: number): Promise<void> {
      const ws = new WebSocket(boardSocketUrl(server.wsUrl, docName, board.tokens.member))
      ws.on('error', () => {})
      const closed = whenClosed(ws)
      switch (variant) {
        case 0: // before the upgrade completes
          ws.terminate()
          break
        case 1: // right after open, without a word
          ws.once('open', () => ws.close())
          break
        case 2: // right after sending sync step 1
          ws.once('open', () => {
            ws.send(syncStep1Frame())
            ws.close()
          })
          break
        case 3: // sync step 1, then the TCP connection drops
          ws.once('open', () => {
            ws.send(syncStep1Frame())
            ws.terminate()
          })
          break
        case 4: // sync step 1 and an update, then gone
          ws.once('open', () => {
            ws.send(syncStep1Frame())
            ws.send(updateFrame)
            ws.terminate()
          })
          break
        default: // after the server's first message (admitted), mid-sync
          ws.once('open', () => ws.send(syncStep1Frame()))
          ws.once('message', () => ws.terminate())
      }
      await closed
    }

    const CYCLES = 200
    const CONCURRENCY = 8
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CYCLES) {
          next++
          await vanish(prng.bool(gen) ? canvasDocName(board.id) : controlDocName(board.id), prng.int32(gen, 0, 5))
        }
      }),
    )
    await waitForMetric(server.url, 'tt_connections', (open) => open === 0)
    await waitForMetric(server.url, 'tt_documents_loaded', (loaded) => loaded === 0)

    // Connections that end before admission can finish (here: more frames than MAX_FRAMES_BEFORE_OPEN,
    // sent with the upgrade request), on a board nobody has opened: the document loaded for them
    // never gets a peer that could leave and start its idle timer, and must be unloaded anyway.
    const untouched = await createBoard(server.url)
    for (let i = 0; i < 20; i++) {
      const docName = prng.bool(gen) ? canvasDocName(untouched.id) : controlDocName(untouched.id)
      await upgradeAndHangUp(
        server.wsUrl,
        docName,
        untouched.tokens.member,
        Array.from({ length: 5 }, () => syncStep1Frame()),
      )
    }
    await waitForMetric(server.url, 'tt_connections', (open) => open === 0)
    await waitForMetric(server.url, 'tt_documents_loaded', (loaded) => loaded === 0)

    // The board is intact and still served, and is unloaded again once its last client leaves.
    const canvas = client(server, canvasDocName(board.id), board.tokens.member)
    const control = client(server, controlDocName(board.id), board.tokens.member)
    await Promise.all([waitForSync(canvas), waitForSync(control)])
    expect(control.doc.getMap(BOARD_MAP).get('title')?.toString()).toBe('How do we hand over patients safely?')
    canvas.destroy()
    control.destroy()
    await waitForMetric(server.url, 'tt_documents_loaded', (loaded) => loaded === 0)
    const heapAfter = metric(await readMetrics(server.url), 'tt_nodejs_heap_size_used_bytes')
    console.log(
      `[relay.faults] ${CYCLES} vanishing clients: heap used ${(heapBefore / 2 ** 20).toFixed(1)} -> ${(heapAfter / 2 ** 20).toFixed(1)} MiB (no forced GC)`,
    )
  }, 60_000)
})

describe('storage unavailable', () => {
  test('a locked database: the unstored update is relayed to nobody, the writer is closed with 4503 and recovers once the lock is released', async () => {
    const dir = dataDir()
    const server = await start(dir)
    const board = await createBoard(server.url)
    const writer = client(server, board.id, board.tokens.member)
    const reader = client(server, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(reader)])
    writer.doc.getMap('notes').set('before', 'stored normally')
    await waitFor(() => reader.doc.getMap('notes').has('before'), 5000, 'baseline relay')
    const failuresBefore = metric(await readMetrics(server.url), 'tt_storage_failures_total')

    const lock = new Database(databasePath(dir))
    databases.push(lock)
    lock.pragma('busy_timeout = 5000')
    lock.exec('BEGIN IMMEDIATE')
    let lockHeld = true
    let relayedWhileLocked = false
    reader.doc.getMap('notes').observe(() => {
      if (lockHeld && reader.doc.getMap('notes').has('during-lock')) relayedWhileLocked = true
    })
    let readerSyncs = 0
    reader.provider.on('sync', (synced: boolean) => {
      if (synced) readerSyncs++
    })
    writer.doc.getMap('notes').set('during-lock', 'written while the database was locked')
    await waitFor(() => writer.closeCodes.includes(CloseCode.storageUnavailable), 10_000, 'the writer to be closed with 4503')
    // Hold the lock while the writer reconnects, sends the update again and fails again, harmlessly.
    const storageCloses = () => writer.closeCodes.filter((code) => code === CloseCode.storageUnavailable).length
    await waitFor(() => storageCloses() >= 2, 15_000, 'the writer to resend the update and be closed with 4503 again')
    // The sentinel: a sync of the reader's that completes after that retry failed. Whatever the
    // server sent the reader before (a relayed update included) has been read by then, and the
    // sync hands it the server's document as it is after the retry.
    const readerSyncsAfterRetry = readerSyncs
    await waitFor(() => readerSyncs > readerSyncsAfterRetry, 15_000, 'the reader to resync after the failed retry')
    expect(server.process.exitCode).toBeNull()
    const metrics = await readMetrics(server.url)
    expect(metric(metrics, 'tt_storage_failures_total')).toBeGreaterThan(failuresBefore)
    expect(metric(metrics, `tt_connections_closed_total{code="${CloseCode.storageUnavailable}"}`)).toBeGreaterThan(0)
    expect(server.logs.some((line) => line.msg === 'storing updates failed; closing the document')).toBe(true)
    const storedWhileLocked = readStoredDocument(dir, board.id)
    expect(storedWhileLocked.getMap('notes').has('during-lock')).toBe(false)
    storedWhileLocked.destroy()
    expect(relayedWhileLocked, 'an update that was not stored reached another client').toBe(false)
    expect(reader.doc.getMap('notes').has('during-lock')).toBe(false)

    lock.exec('ROLLBACK')
    lockHeld = false
    lock.close()
    await waitFor(() => reader.doc.getMap('notes').has('during-lock'), 15_000, 'the update to reach the reader after recovery')
    await waitFor(() => writer.provider.wsconnected && writer.provider.synced, 10_000, 'the writer to reconnect')
    const stored = readStoredDocument(dir, board.id)
    expect(stored.getMap('notes').toJSON()).toEqual({
      before: 'stored normally',
      'during-lock': 'written while the database was locked',
    })
    stored.destroy()
  }, 60_000)
})
