/**
 * Damaged storage over real process boundaries: the real server process, a real SQLite file
 * damaged between two runs, stock y-websocket clients. A board either opens with everything it
 * had or is refused with a clear close code and a log line; it never opens empty or in part, and
 * the server and the other boards carry on.
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { openSync, closeSync, fstatSync, writeSync } from 'node:fs'
import { CloseCode } from '../../shared/protocol/messages'
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type CreatedBoard, type TestClient } from '../helpers/boardClient'
import { databasePath } from '../helpers/faultsStoredDocument'

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const dataDirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const d of dataDirs.splice(0)) removeDataDir(d)
})

/** Many small updates faster than anyone types; the rate limits are not under test here. */
const ENV = { RATE_LIMIT_MESSAGES_PER_SECOND: '100000', RATE_LIMIT_MESSAGE_BURST: '100000', COMPACT_AFTER_UPDATES: '1000000' }
const BOARDS = 8
const NOTES_PER_BOARD = 40

async function start(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, env: ENV })
  servers.push(server)
  return server
}

function client(server: ServerProcess, boardId: string, token: string): TestClient {
  const c = connectClient(server.wsUrl, boardId, token)
  clients.push(c)
  return c
}

interface WrittenBoard {
  board: CreatedBoard
  notes: Record<string, string>
}

/** Boards with content; resolves once another client has received all of it, so it is stored. */
async function writeBoards(server: ServerProcess): Promise<WrittenBoard[]> {
  const written: WrittenBoard[] = []
  for (let b = 0; b < BOARDS; b++) {
    const board = await createBoard(server.url, `Board ${b}`, `Problem ${b}`)
    const writer = client(server, board.id, board.tokens.member)
    await waitForSync(writer)
    const notes: Record<string, string> = {}
    for (let n = 0; n < NOTES_PER_BOARD; n++) {
      const text = `board ${b}, note ${n}: ${'what we saw on the ward. '.repeat(40)}`
      notes[`note-${n}`] = text
      writer.doc.getMap('notes').set(`note-${n}`, text)
    }
    const reader = client(server, board.id, board.tokens.observer)
    await waitFor(() => reader.doc.getMap('notes').size === NOTES_PER_BOARD, 15_000, `board ${b} to be stored`)
    writer.destroy()
    reader.destroy()
    written.push({ board, notes })
  }
  return written
}

type Outcome = { opened: true } | { opened: false; code: number }

/** Connects to a board and waits until it opened (synced) or was refused with 4422 or 4503. */
async function openBoard(server: ServerProcess, board: CreatedBoard): Promise<{ outcome: Outcome; client: TestClient }> {
  const c = client(server, board.id, board.tokens.observer)
  const refusal = () => c.closeCodes.find((code) => code === CloseCode.documentDamaged || code === CloseCode.storageUnavailable)
  await waitFor(() => c.provider.synced || refusal() !== undefined, 15_000, `board ${board.id} to open or be refused`)
  const code = refusal()
  return { outcome: code === undefined ? { opened: true } : { opened: false, code }, client: c }
}

/** Merges the WAL into the database file, as after a clean stop, so damage to the file is damage to the data. */
function checkpoint(file: string): void {
  const db = new Database(file)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}

function zeroLastBytes(file: string, bytes: number): void {
  const fd = openSync(file, 'r+')
  try {
    const size = fstatSync(fd).size
    expect(size).toBeGreaterThan(4 * bytes)
    writeSync(fd, Buffer.alloc(bytes), 0, bytes, size - bytes)
  } finally {
    closeSync(fd)
  }
}

/** Each refused board logged an error line naming it. */
function expectRefusalLogged(server: ServerProcess, boardId: string): void {
  expect(
    server.logs.some((line) => line.level === 50 && line.boardId === boardId && typeof line.msg === 'string'),
    `an error line for board ${boardId}`,
  ).toBe(true)
}

/**
 * An edit on a board that opened: relayed once stored, or, when the damage took the place where
 * new updates go, refused with 4503 (relayed to nobody) while /readyz reports the corrupt file.
 */
async function editAfterDamage(server: ServerProcess, board: CreatedBoard): Promise<'stored' | 'refused'> {
  const writer = client(server, board.id, board.tokens.member)
  const reader = client(server, board.id, board.tokens.observer)
  await Promise.all([waitForSync(writer), waitForSync(reader)])
  writer.doc.getMap('notes').set('after-restart', 'still working')
  const relayed = () => reader.doc.getMap('notes').get('after-restart') === 'still working'
  await waitFor(() => relayed() || writer.closeCodes.includes(CloseCode.storageUnavailable), 10_000, 'the edit to be stored or refused')
  if (relayed()) return 'stored'
  expect(reader.doc.getMap('notes').has('after-restart'), 'a refused edit reached nobody').toBe(false)
  const ready = await fetch(`${server.url}/readyz`)
  expect(ready.status).toBe(503)
  expect(((await ready.json()) as { reason: string }).reason).toContain('corrupt')
  return 'refused'
}

describe('damaged storage', () => {
  test.each([
    // Compacted on the way out: the log is empty, the zeroed pages hold snapshots; edits go on.
    ['SIGTERM', 'compacted into snapshots', true],
    // The zeroed pages are the newest of the shared update log, where every new update goes.
    ['SIGKILL', 'with their updates still in the log', false],
  ] as const)(
    'the last 64 KB of the database zeroed after %s (boards %s): every board opens with all its content or is refused with a clear code and a log line; the server stays up',
    async (signal, _layout, editsGoOn) => {
      const dataDir = makeDataDir()
      dataDirs.push(dataDir)
      const first = await start(dataDir)
      const boards = await writeBoards(first)
      await first.stop(signal)
      checkpoint(databasePath(dataDir))
      zeroLastBytes(databasePath(dataDir), 64 * 1024)

      const second = await start(dataDir)
      const outcomes: Array<WrittenBoard & { outcome: Outcome; client: TestClient }> = []
      for (const written of boards) outcomes.push({ ...written, ...(await openBoard(second, written.board)) })
      for (const { board, notes, outcome, client: c } of outcomes) {
        if (outcome.opened) expect(c.doc.getMap('notes').toJSON(), `board ${board.id} opened, so with all its notes`).toEqual(notes)
        else expectRefusalLogged(second, board.id)
      }
      const refused = outcomes.filter(({ outcome }) => !outcome.opened)
      const opened = outcomes.filter(({ outcome }) => outcome.opened)
      const why = refused.map(({ board, outcome }) => {
        const line = second.logs.find((entry) => entry.level === 50 && entry.boardId === board.id)
        return `${outcome.opened ? '' : outcome.code} (${String(line?.problem ?? line?.msg)})`
      })
      console.log(`[storage.damage] last 64 KB zeroed after ${signal}: ${opened.length} boards opened intact; refused: ${why.join('; ')}`)
      // The damage hit board data (else this test proves nothing), and not all of it.
      expect(refused.length).toBeGreaterThan(0)
      expect(opened.length).toBeGreaterThan(0)
      for (const { board } of opened) {
        const edit = await editAfterDamage(second, board)
        if (editsGoOn) expect(edit).toBe('stored')
      }
      expect(second.process.exitCode).toBeNull()
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200)
    },
    120_000,
  )

  test("one flipped byte in one board's stored update: that board is refused with 4422, the others open with all their content", async () => {
    const dataDir = makeDataDir()
    dataDirs.push(dataDir)
    const first = await start(dataDir)
    const boards = await writeBoards(first)
    // kill -9: no compaction on the way out, so the boards' updates are still in the log.
    await first.stop('SIGKILL')
    const victim = boards[3].board
    const db = new Database(databasePath(dataDir))
    const row = db.prepare('SELECT seq, data FROM document_updates WHERE doc = ? ORDER BY seq LIMIT 1 OFFSET 5').get(victim.id) as { seq: number; data: Buffer }
    row.data[Math.floor(row.data.length / 2)] ^= 0x10
    expect(db.prepare('UPDATE document_updates SET data = ? WHERE seq = ?').run(row.data, row.seq).changes).toBe(1)
    db.close()

    const second = await start(dataDir)
    for (const { board, notes } of boards) {
      const { outcome, client: c } = await openBoard(second, board)
      if (board === victim) {
        expect(outcome).toEqual({ opened: false, code: CloseCode.documentDamaged })
        expect(
          second.logs.some((line) => line.msg === 'stored document is damaged; refusing the connection' && line.boardId === board.id && line.level === 50),
        ).toBe(true)
      } else {
        expect(outcome).toEqual({ opened: true })
        expect(c.doc.getMap('notes').toJSON()).toEqual(notes)
      }
    }
    expect(await editAfterDamage(second, boards[0].board)).toBe('stored')
    expect(second.process.exitCode).toBeNull()
  }, 120_000)
})
