/**
 * Randomized convergence through the real relay, in the style of Yjs's own tests: several stock
 * y-websocket clients make seeded random edits (maps, arrays, text) while randomly disconnecting,
 * dropping their network connection, reconnecting and pausing. Once everyone is connected and
 * quiet, every client holds the same document, and so does storage (read from SQLite, and through
 * a fresh client). The network's timing is not seeded; the sequence of edits and faults is.
 *
 * Pinned seeds run in CI with one random seed; replay one with CONVERGENCE_SEED=<seed>.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import * as prng from 'lib0/prng'
import type WebSocket from 'ws'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, sleep, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { describeDifference, readStoredDocument } from '../helpers/faultsStoredDocument'
import { EDITED_TYPES, randomEdit } from '../helpers/convergenceEdits'

const PINNED_SEEDS = [1, 1337, 20240611]
const REPLAY_SEED = process.env.CONVERGENCE_SEED
const SEEDS = REPLAY_SEED ? [Number(REPLAY_SEED)] : [...PINNED_SEEDS, Math.floor(Math.random() * 2 ** 31)]
const CLIENT_COUNT = 5
const STEPS = 1200

let server: ServerProcess
const clients: TestClient[] = []

beforeAll(async () => {
  // Compacting every few updates puts snapshots in the path of loads and resyncs during the run.
  server = await startServerProcess({ env: { COMPACT_AFTER_UPDATES: '40' } })
})

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy()
})

afterAll(async () => {
  await server.stop('SIGKILL')
  removeDataDir(server.dataDir)
})

function client(boardId: string, token: string): TestClient {
  const c = connectClient(server.wsUrl, boardId, token)
  clients.push(c)
  return c
}

/** The first difference between any client and the first one, or null when all are the same. */
function divergence(all: TestClient[]): string | null {
  for (let i = 1; i < all.length; i++) {
    const difference = describeDifference(all[0].doc, all[i].doc, EDITED_TYPES)
    if (difference) return `client ${i} vs client 0: ${difference}`
  }
  return null
}

describe('convergence through the relay', () => {
  for (const seed of SEEDS) {
    test(`${CLIENT_COUNT} clients with random edits, disconnects and pauses converge with each other and with storage; seed=${seed} (replay: CONVERGENCE_SEED=${seed})`, async () => {
      console.log(`[relay.convergence] seed=${seed} (replay: CONVERGENCE_SEED=${seed})`)
      const gen = prng.create(seed)
      const board = await createBoard(server.url)
      const all = Array.from({ length: CLIENT_COUNT }, () => client(board.id, board.tokens.member))
      await Promise.all(all.map((c) => waitForSync(c)))

      const counts = { edits: 0, disconnects: 0, reconnects: 0, drops: 0, pauses: 0 }
      const started = performance.now()
      for (let step = 0; step < STEPS; step++) {
        const c = prng.oneOf(gen, all)
        const roll = prng.int32(gen, 0, 99)
        if (roll < 4) {
          if (c.provider.shouldConnect) {
            c.provider.disconnect()
            counts.disconnects++
          } else {
            c.provider.connect()
            counts.reconnects++
          }
        } else if (roll < 6) {
          // The network drops: no close handshake; the provider notices and reconnects by itself.
          ;(c.provider.ws as unknown as WebSocket | null)?.terminate()
          counts.drops++
        } else if (roll < 9) {
          await sleep(prng.int32(gen, 5, 40))
          counts.pauses++
        } else {
          randomEdit(c.doc, gen)
          counts.edits++
        }
        if (step % 4 === 0) await sleep(prng.int32(gen, 0, 3))
      }
      const editingMs = performance.now() - started

      for (const c of all) if (!c.provider.shouldConnect) c.provider.connect()
      let lastDivergence: string | null = 'not checked yet'
      try {
        await waitFor(
          () => {
            if (!all.every((c) => c.provider.wsconnected && c.provider.synced)) return false
            lastDivergence = divergence(all)
            return lastDivergence === null
          },
          20_000,
          'convergence',
        )
      } catch {
        throw new Error(`seed ${seed}: clients did not converge within 20 s: ${lastDivergence}`)
      }
      const convergedMs = performance.now() - started - editingMs

      // Every client holds every other client's edits, and they could only have come through the
      // relay, which stores before relaying: storage must hold exactly the same document.
      const stored = readStoredDocument(server.dataDir, board.id)
      expect(describeDifference(stored, all[0].doc, EDITED_TYPES), `seed ${seed}: stored document vs clients`).toBeNull()
      stored.destroy()
      const fresh = client(board.id, board.tokens.observer)
      await waitForSync(fresh)
      expect(describeDifference(fresh.doc, all[0].doc, EDITED_TYPES), `seed ${seed}: a fresh client vs the others`).toBeNull()
      expect(all[0].doc.getText('text').length + all[0].doc.getArray('array').length, `seed ${seed}: nothing was edited`).toBeGreaterThan(0)
      console.log(
        `[relay.convergence] seed=${seed}: ${counts.edits} edits, ${counts.disconnects} disconnects, ${counts.reconnects} reconnects, ` +
          `${counts.drops} dropped connections, ${counts.pauses} pauses in ${editingMs.toFixed(0)} ms; converged ${convergedMs.toFixed(0)} ms later`,
      )
    }, 60_000)
  }
})
