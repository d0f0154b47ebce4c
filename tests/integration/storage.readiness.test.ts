/**
 * Liveness and readiness over real processes: /healthz answers while the process serves HTTP;
 * /readyz answers 503 with a reason while storage cannot be trusted: a database file with
 * corrupt pages, a full disk (a small tmpfs filled to the last byte), and 200 again once the disk
 * has room. Requests that need a damaged board answer a clean JSON 503.
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, rmdirSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloseCode } from '../../shared/protocol/messages'
import { controlDocName } from '../../shared/board/docNames'
import { openThinkAloneRound, readThinkAloneRound } from '../../shared/board/drafts'
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { databasePath } from '../helpers/faultsStoredDocument'

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const cleanups: Array<() => void> = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

async function start(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir })
  servers.push(server)
  return server
}

function client(server: ServerProcess, boardId: string, token: string): TestClient {
  const c = connectClient(server.wsUrl, boardId, token)
  clients.push(c)
  return c
}

async function readiness(server: ServerProcess): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const response = await fetch(`${server.url}/readyz`)
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } }
}

/** Polls /readyz until `accept` holds or the deadline passes; resolves with the last answer. */
async function waitForReadiness(server: ServerProcess, accept: (status: number) => boolean, what: string) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const answer = await readiness(server)
    if (accept(answer.status)) return answer
    if (Date.now() > deadline) throw new Error(`timed out waiting for /readyz: ${what}; last answer ${JSON.stringify(answer)}`)
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50))
  }
}

/** Mounting a tmpfs needs root (or CAP_SYS_ADMIN); where it is not allowed the disk-full test is skipped and says so. */
function tmpfsMountable(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'think-together-tmpfs-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmdirSync(probe)
  }
}
const canMountTmpfs = tmpfsMountable()
if (!canMountTmpfs) console.warn('[storage.readiness] cannot mount a tmpfs here (not root?): the disk-full test is skipped')

describe('liveness and readiness', () => {
  test('a healthy server is alive and ready', async () => {
    const dir = makeDataDir()
    cleanups.push(() => removeDataDir(dir))
    const server = await start(dir)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(await readiness(server)).toEqual({ status: 200, body: { status: 'ready' } })
  })

  test('corrupt pages: boards are refused (4422), routes that load them answer JSON 503, /readyz 503 with the reason while /healthz stays 200', async () => {
    const dir = makeDataDir()
    cleanups.push(() => removeDataDir(dir))
    const first = await start(dir)
    const boards = [await createBoard(first.url), await createBoard(first.url)]
    for (const board of boards) {
      const writer = client(first, board.id, board.tokens.member)
      await waitForSync(writer)
      writer.doc.getMap('notes').set('note', 'x'.repeat(5000))
    }
    for (const board of boards) {
      const reader = client(first, board.id, board.tokens.observer)
      await waitFor(() => reader.doc.getMap('notes').has('note'), 10_000, 'the notes to be stored')
    }
    // On the way out every board is compacted into a snapshot: damage the snapshots' pages.
    expect(await first.stop('SIGTERM')).toBe(0)
    const db = new Database(databasePath(dir))
    db.pragma('wal_checkpoint(TRUNCATE)')
    const pageSize = db.pragma('page_size', { simple: true }) as number
    const pages = db
      .prepare("SELECT pageno FROM dbstat WHERE name IN ('document_snapshots', 'sqlite_autoindex_document_snapshots_1') AND pagetype != 'overflow'")
      .all() as Array<{ pageno: number }>
    db.close()
    expect(pages.length).toBeGreaterThan(0)
    const fd = openSync(databasePath(dir), 'r+')
    for (const { pageno } of pages) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize)
    closeSync(fd)

    const server = await start(dir)
    const [board] = boards
    const c = client(server, board.id, board.tokens.observer)
    await waitFor(() => c.closeCodes.includes(CloseCode.documentDamaged), 10_000, 'the board to be refused as damaged')
    const card = await fetch(`${server.url}/api/boards/${board.id}/anonymous-cards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${board.tokens.member}` },
      body: JSON.stringify({
        kind: 'concern',
        text: 'Night shifts.',
        shape: { id: 'shape:a1', parentId: 'page:page', index: 'a1', x: 0, y: 0, w: 240, h: 160 },
      }),
    })
    expect(card.status).toBe(503)
    expect(card.headers.get('content-type')).toContain('application/json')
    expect(await card.json()).toEqual({ error: "This board's stored data is damaged; ask the operator to restore it from a backup." })

    const ready = await readiness(server)
    expect(ready.status).toBe(503)
    expect(ready.body.status).toBe('unavailable')
    expect(ready.body.reason).toMatch(/database file is corrupt.*SQLITE_CORRUPT/)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(server.process.exitCode).toBeNull()
  })

  test.skipIf(!canMountTmpfs)(
    'a full disk: the edit is refused (4503), requests that store answer JSON 503, /readyz 503 while /healthz 200; once there is room /readyz is 200 and the edit is stored',
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), 'think-together-full-'))
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint])
      cleanups.push(() => {
        execFileSync('umount', [mountPoint])
        rmdirSync(mountPoint)
      })
      const dir = join(mountPoint, 'data')
      mkdirSync(dir)
      const server = await start(dir)
      const board = await createBoard(server.url)
      const writer = client(server, board.id, board.tokens.member)
      const reader = client(server, board.id, board.tokens.observer)
      await Promise.all([waitForSync(writer), waitForSync(reader)])
      writer.doc.getMap('notes').set('before', 'stored while there was room')
      await waitFor(() => reader.doc.getMap('notes').has('before'), 10_000, 'the first edit')
      // A think-alone round, so that revealing it is a change the server must store.
      const facilitator = client(server, controlDocName(board.id), board.tokens.facilitator)
      const controlReader = client(server, controlDocName(board.id), board.tokens.observer)
      await Promise.all([waitForSync(facilitator), waitForSync(controlReader)])
      openThinkAloneRound(facilitator.doc, 'round-1', Date.now())
      await waitFor(() => readThinkAloneRound(controlReader.doc)?.status === 'open', 10_000, 'the round to be stored')
      // Once idle, the WAL is truncated: the next write needs new space on the disk.
      const wal = `${databasePath(dir)}-wal`
      await waitFor(() => !existsSync(wal) || statSync(wal).size === 0, 10_000, 'the WAL to be truncated')

      const filler = join(mountPoint, 'filler')
      fillDisk(filler)
      writer.doc.getMap('notes').set('during', 'x'.repeat(20_000))
      await waitFor(() => writer.closeCodes.includes(CloseCode.storageUnavailable), 10_000, 'the writer to be closed with 4503')
      expect(reader.doc.getMap('notes').has('during')).toBe(false)
      const full = await waitForReadiness(server, (status) => status === 503, 'unavailable while the disk is full')
      expect(full.body).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/full/) })
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      const reveal = await fetch(`${server.url}/api/boards/${board.id}/reveal`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
      })
      expect(reveal.status).toBe(503)
      expect(await reveal.json()).toEqual({ error: 'The board could not be loaded or saved right now; try again in a moment.' })
      expect(readThinkAloneRound(controlReader.doc)?.status).toBe('open')

      rmSync(filler)
      await waitForReadiness(server, (status) => status === 200, 'ready once there is room again')
      await waitFor(() => reader.doc.getMap('notes').has('during'), 15_000, 'the refused edit to be stored after all')
      expect(server.process.exitCode).toBeNull()
    },
    60_000,
  )
})

/** Writes `file` until the filesystem has no byte left. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w')
  try {
    for (const chunk of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const buffer = Buffer.alloc(chunk, 1)
      for (;;) {
        try {
          writeSync(fd, buffer)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break
          throw error
        }
      }
    }
  } finally {
    closeSync(fd)
  }
}
