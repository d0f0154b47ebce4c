/**
 * The data directory over real processes: one server per DATA_DIR (a second one is refused and
 * the lock outlives nothing: after kill -9 a new server starts), and no silent fresh start when
 * the database of a directory used before is missing or empty (START_FRESH=1 starts one on purpose).
 */
import { afterEach, describe, expect, test } from 'vitest'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeDataDir, removeDataDir, startServerExpectingRefusal, startServerProcess, type RefusedStart, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitForSync, type TestClient } from '../helpers/boardClient'

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const dataDirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const d of dataDirs.splice(0)) removeDataDir(d)
})

function dataDir(): string {
  const dir = makeDataDir()
  dataDirs.push(dir)
  return dir
}

async function start(dir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir: dir, env })
  servers.push(server)
  return server
}

async function boardStatus(server: ServerProcess, boardId: string, token: string): Promise<number> {
  return (await fetch(`${server.url}/api/boards/${boardId}`, { headers: { Authorization: `Bearer ${token}` } })).status
}

function fatalMessage(refused: RefusedStart): string {
  return String(refused.logs.find((line) => line.level === 60)?.msg ?? '')
}

const database = (dir: string) => join(dir, 'think-together.sqlite')

describe('no silent fresh start', () => {
  test('a first start in an empty data directory works as before', async () => {
    const dir = dataDir()
    const server = await start(dir)
    const board = await createBoard(server.url)
    expect(await boardStatus(server, board.id, board.tokens.member)).toBe(200)
    expect(existsSync(join(dir, 'token-secret'))).toBe(true)
  })

  test.each([
    ['deleted', (dir: string) => rmSync(database(dir))],
    ['0 bytes', (dir: string) => writeFileSync(database(dir), '')],
  ])('a database %s next to an existing token-secret: the server refuses to start and says what to do', async (_what, damage) => {
    const dir = dataDir()
    const first = await start(dir)
    await createBoard(first.url)
    expect(await first.stop('SIGTERM')).toBe(0)
    damage(dir)

    const refused = await startServerExpectingRefusal({ dataDir: dir })
    expect(refused.exitCode).not.toBe(0)
    expect(fatalMessage(refused)).toContain(
      'the database is missing or empty but this data directory has been used before (token-secret exists): restore it from a backup, or start with START_FRESH=1 to begin an empty service',
    )
    expect(fatalMessage(refused)).toContain(database(dir))
  })

  test('START_FRESH=1 starts an empty service where the database is gone', async () => {
    const dir = dataDir()
    const first = await start(dir)
    const board = await createBoard(first.url)
    expect(await first.stop('SIGTERM')).toBe(0)
    rmSync(database(dir))

    const fresh = await start(dir, { START_FRESH: '1' })
    expect(fresh.logs.some((line) => String(line.msg).startsWith('START_FRESH=1'))).toBe(true)
    // The old link is still signed by the same secret; its board is simply not there any more.
    expect(await boardStatus(fresh, board.id, board.tokens.member)).toBe(404)
    const newBoard = await createBoard(fresh.url)
    expect(await boardStatus(fresh, newBoard.id, newBoard.tokens.member)).toBe(200)
  })

  test('with TOKEN_SECRET set (no token-secret file), the lock file of an earlier start tells that the directory was used', async () => {
    const dir = dataDir()
    const env = { TOKEN_SECRET: 'a'.repeat(40) }
    const first = await start(dir, env)
    await createBoard(first.url)
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(existsSync(join(dir, 'token-secret'))).toBe(false)
    rmSync(database(dir))

    const refused = await startServerExpectingRefusal({ dataDir: dir, env })
    expect(refused.exitCode).not.toBe(0)
    expect(fatalMessage(refused)).toContain('think-together.lock from an earlier start exists')
  })
})

describe('one server per data directory', () => {
  test('a second server on the same DATA_DIR is refused and the first keeps serving; after kill -9 of the first a new one starts', async () => {
    const dir = dataDir()
    const first = await start(dir)
    const board = await createBoard(first.url)

    const second = await startServerExpectingRefusal({ dataDir: dir })
    expect(second.exitCode).not.toBe(0)
    expect(fatalMessage(second)).toContain(`another Think Together server is already using the data directory ${dir}`)
    expect(await boardStatus(first, board.id, board.tokens.member)).toBe(200)
    const writer = connectClient(first.wsUrl, board.id, board.tokens.member)
    clients.push(writer)
    await waitForSync(writer)

    expect(await first.stop('SIGKILL')).toBeNull()
    const third = await start(dir)
    expect(await boardStatus(third, board.id, board.tokens.member)).toBe(200)
  })
})
