/**
 * The four servers the side-by-side benchmark compares, each started as its own process from an
 * entry in tests/bench/peers/ under `node --expose-gc`, with an IPC channel for memory requests
 * (tests/bench/peers/memoryChannel.ts), on a random loopback port with its own temp data dir. All
 * four take the stock y-websocket client at ws://127.0.0.1:<port>/sync/<docName>; our relay needs
 * a board (POST /api/boards) and the member link's token, the others take any name.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createBoard } from '../../helpers/boardClient'
import { describeServerCode, startBenchServer, type BenchServer } from '../relay-server'
import type { MemoryReport } from '../peers/memoryChannel'

export type PeerName = 'relay' | 'y-websocket-server' | 'hocuspocus-sqlite' | 'forwarder'

export const PEER_NAMES: PeerName[] = ['relay', 'y-websocket-server', 'hocuspocus-sqlite', 'forwarder']

/** Where a document lives on a server: the URL a raw member opens, and the stock client's arguments. */
export interface DocumentAddress {
  url: string
  serverUrl: string
  room: string
  params: Record<string, string>
}

/** When a server lets go of a document nobody is connected to. */
export type IdleUnload = { after: 'idle-timer'; ms: number } | { after: 'last-leave' } | { after: 'never' }

export interface PeerDefinition {
  name: PeerName
  /** What is running, for the report. */
  describe(): string
  entry: string
  env: Record<string, string>
  /** False for the forwarder: it holds no documents, so memory and loading do not apply. */
  keepsDocuments: boolean
  idleUnload: IdleUnload
  createDocuments(server: BenchServer, count: number, label: string): Promise<DocumentAddress[]>
  /** Counters the server itself exposes (ours: its /metrics), read before and after a window. */
  readCounters?(server: BenchServer): Promise<Record<string, number>>
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const version = (pkg: string) => (JSON.parse(readFileSync(resolve(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version

/**
 * Every abuse limit of the relay raised, so that capacity alone shapes the result. The decode
 * budget is one: on a busy two-core machine the default 1000 ms refuses the cold-load scenario's
 * 10,000-record update (1.9 MB) as too costly. Settings that are behaviour rather than protection
 * (DOCUMENT_IDLE_MS, COMPACT_AFTER_UPDATES, MAX_FRAME_BYTES) keep their defaults.
 */
export const RELAY_BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  MAX_CONNECTIONS_PER_TOKEN: '1000000',
  MAX_CONNECTIONS: '1000000',
  MAX_PENDING_CONNECTIONS: '100000',
  MAX_FRAMES_BEFORE_OPEN: '100000',
  ADMISSION_TIMEOUT_MS: '120000',
  RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  RATE_LIMIT_MESSAGE_BURST: '10000000',
  RATE_LIMIT_BYTES_PER_SECOND: '1073741824',
  RATE_LIMIT_BYTE_BURST: '1073741824',
  MAX_QUEUED_UPDATES: '1000000',
  MAX_BUFFERED_BYTES: '1073741824',
  UPDATE_DECODE_BUDGET_MS: '60000',
  UPDATE_DECODE_HEAP_MB: '1024',
  // The idle-memory scenario creates 500 boards from one address.
  BOARDS_PER_ADDRESS_PER_HOUR: '1000000',
  PEOPLE_PER_ADDRESS_PER_HOUR: '1000000',
  API_REQUESTS_PER_ADDRESS_PER_MINUTE: '1000000',
}
const RELAY_DOCUMENT_IDLE_MS = 15_000

/** The relay's storage and send counters, from its Prometheus /metrics. */
async function relayCounters(server: BenchServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN)
  return {
    commits: value(/^tt_storage_write_seconds_count (\S+)$/m),
    commitSeconds: value(/^tt_storage_write_seconds_sum (\S+)$/m),
    commitsUnder100Ms: value(/^tt_storage_write_seconds_bucket\{le="0\.1"\} (\S+)$/m),
    updatesStored: value(/^tt_updates_stored_total (\S+)$/m),
    framesSent: value(/^tt_messages_sent_total (\S+)$/m),
  }
}
const CREATE_CONCURRENCY = 8

function namedDocuments(server: BenchServer, count: number, label: string): Promise<DocumentAddress[]> {
  return Promise.resolve(
    Array.from({ length: count }, (_, i) => {
      const room = `${label}-${i}`
      return { url: `${server.wsUrl}/${room}`, serverUrl: server.wsUrl, room, params: {} }
    }),
  )
}

async function relayBoards(server: BenchServer, count: number, label: string): Promise<DocumentAddress[]> {
  const boards: DocumentAddress[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++
        const board = await createBoard(server.url, `${label} ${i}`, 'Benchmark board.')
        const token = board.tokens.member
        boards[i] = { url: `${server.wsUrl}/${board.id}?token=${encodeURIComponent(token)}`, serverUrl: server.wsUrl, room: board.id, params: { token } }
      }
    }),
  )
  return boards
}

export const PEERS: Record<PeerName, PeerDefinition> = {
  relay: {
    name: 'relay',
    describe: () => `this relay (server/main.ts at ${describeServerCode()}), SQLite, limits raised`,
    entry: 'tests/bench/peers/relay.ts',
    env: RELAY_BENCH_ENV,
    keepsDocuments: true,
    idleUnload: { after: 'idle-timer', ms: RELAY_DOCUMENT_IDLE_MS },
    createDocuments: relayBoards,
    readCounters: relayCounters,
  },
  'y-websocket-server': {
    name: 'y-websocket-server',
    describe: () => `@y/websocket-server ${version('@y/websocket-server')} (ws ${version('@y/websocket-server/node_modules/ws')}), no persistence`,
    entry: 'tests/bench/peers/y-websocket-server.ts',
    env: {},
    keepsDocuments: true,
    idleUnload: { after: 'never' },
    createDocuments: namedDocuments,
  },
  'hocuspocus-sqlite': {
    name: 'hocuspocus-sqlite',
    describe: () => `@hocuspocus/server ${version('@hocuspocus/server')} + @hocuspocus/extension-sqlite ${version('@hocuspocus/extension-sqlite')}, defaults`,
    entry: 'tests/bench/peers/hocuspocus.ts',
    env: {},
    keepsDocuments: true,
    idleUnload: { after: 'last-leave' },
    createDocuments: namedDocuments,
  },
  forwarder: {
    name: 'forwarder',
    describe: () => `plain ws ${version('ws')} forwarder, writes batched per event-loop turn, no Yjs`,
    entry: 'tests/bench/peers/forwarder.ts',
    env: {},
    keepsDocuments: false,
    idleUnload: { after: 'never' },
    createDocuments: namedDocuments,
  },
}

export interface RunningPeer {
  definition: PeerDefinition
  server: BenchServer
  memory(): Promise<MemoryReport>
  stop(): Promise<void>
}

/** Starts a peer; with `profileDir`, under `node --cpu-prof` (the profile is written when it stops). */
export async function startPeer(definition: PeerDefinition, logPath: string, profileDir?: string): Promise<RunningPeer> {
  const nodeArgs = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]
  const server = await startBenchServer({ entry: definition.entry, nodeArgs, ipc: true, env: definition.env, logPath })
  return {
    definition,
    server,
    memory: () =>
      new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`${definition.name} did not answer a memory request`)), 60_000)
        const onMessage = (message: MemoryReport) => {
          if (message?.type !== 'memory') return
          clearTimeout(timer)
          server.process.off('message', onMessage)
          resolvePromise(message)
        }
        server.process.on('message', onMessage)
        server.process.send({ type: 'memory' })
      }),
    stop: () => server.stop(),
  }
}
