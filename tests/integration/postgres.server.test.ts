/**
 * The real server process with DATABASE_URL: a board lives in PostgreSQL (nothing in DATA_DIR),
 * survives a restart, is served by a second server sharing the database and TOKEN_SECRET, and
 * stock y-websocket clients converge on it. Without TOKEN_SECRET the server refuses to start.
 * With PostgreSQL cut off (through the test's own TCP proxy), clients are closed with 4503,
 * /readyz answers 503, and once it is back the same process serves again and the clients'
 * changes made meanwhile arrive. Skipped, and said so, only where PostgreSQL is absent outside CI.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { readdirSync } from 'node:fs'
import { BOARD_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { makeDataDir, removeDataDir, startServerExpectingRefusal, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { createTestSchema, findPostgres, TEST_DATABASE_URL } from '../helpers/pgSchema'
import { startTcpProxy } from '../helpers/tcpProxy'

const TOKEN_SECRET = 'a-shared-secret-for-every-server-of-this-test'

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const cleanups: Array<() => unknown> = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const postgresAvailable = await findPostgres()

async function start(databaseUrl: string, options: { port?: number } = {}): Promise<ServerProcess> {
  const dataDir = makeDataDir()
  cleanups.push(() => removeDataDir(dataDir))
  const server = await startServerProcess({ dataDir, port: options.port, env: { DATABASE_URL: databaseUrl, TOKEN_SECRET } })
  servers.push(server)
  return server
}

function client(server: ServerProcess, docName: string, token: string): TestClient {
  const c = connectClient(server.wsUrl, docName, token)
  clients.push(c)
  return c
}

async function readyStatus(server: ServerProcess): Promise<number> {
  return (await fetch(`${server.url}/readyz`)).status
}

async function waitForReady(server: ServerProcess, status: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await readyStatus(server)) === status) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`/readyz did not answer ${status}`)
}

describe.skipIf(!postgresAvailable)('server with DATABASE_URL', () => {
  test('a board survives a restart, a second server sharing the database serves it, and stock clients converge', async () => {
    const schema = await createTestSchema()
    cleanups.push(() => schema.drop())
    const first = await start(schema.url)
    expect(first.logs.find((line) => line.msg === 'server listening')).toMatchObject({ storage: 'postgres' })
    const board = await createBoard(first.url)
    const writer = client(first, board.id, board.tokens.member)
    const reader = client(first, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(reader)])
    for (let i = 0; i < 30; i++) writer.doc.getMap('shapes').set(`shape:${i}`, { i })
    reader.doc.getText('note').insert(0, 'kept in PostgreSQL')
    await waitFor(() => reader.doc.getMap('shapes').size === 30 && writer.doc.getText('note').length > 0, 10_000, 'convergence')
    expect(readdirSync(first.dataDir).filter((file) => file.startsWith('think-together'))).toEqual([])
    writer.destroy()
    reader.destroy()
    expect(await first.stop('SIGTERM')).toBe(0)

    const second = await start(schema.url)
    const third = await start(schema.url)
    const fresh = client(second, board.id, board.tokens.observer)
    await waitForSync(fresh)
    expect(fresh.doc.getMap('shapes').size).toBe(30)
    expect(fresh.doc.getText('note').toString()).toBe('kept in PostgreSQL')
    // The other server takes the same links (one TOKEN_SECRET) and reads the same board.
    const control = client(third, controlDocName(board.id), board.tokens.observer)
    await waitForSync(control)
    expect(control.doc.getMap(BOARD_MAP).get('problem')?.toString()).toBe('Handovers lose information.')
  }, 120_000)

  test('DATABASE_URL without TOKEN_SECRET, or not a PostgreSQL URL: the server refuses to start and says why', async () => {
    const dataDir = makeDataDir()
    cleanups.push(() => removeDataDir(dataDir))
    const refused = await startServerExpectingRefusal({ dataDir, env: { DATABASE_URL: TEST_DATABASE_URL, TOKEN_SECRET: '' } })
    expect(refused.exitCode).toBe(1)
    expect(JSON.stringify(refused.logs)).toMatch(/DATABASE_URL is set but TOKEN_SECRET is not/)
    const notPostgres = await startServerExpectingRefusal({ dataDir, env: { DATABASE_URL: 'mysql://localhost/think', TOKEN_SECRET } })
    expect(notPostgres.exitCode).toBe(1)
    expect(JSON.stringify(notPostgres.logs)).toMatch(/DATABASE_URL: must be a PostgreSQL connection string/)
  }, 60_000)

  test('PostgreSQL cut off: clients are closed with 4503 and /readyz is 503; once it is back the server serves again and their changes arrive', async () => {
    const schema = await createTestSchema()
    cleanups.push(() => schema.drop())
    const target = new URL(TEST_DATABASE_URL)
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    cleanups.push(() => proxy.close())
    const server = await start(schema.urlVia(proxy.port, '127.0.0.1'))
    const board = await createBoard(server.url)
    const editor = client(server, board.id, board.tokens.member)
    await waitForSync(editor)
    editor.doc.getMap('shapes').set('shape:before', { ok: true })
    const watcher = client(server, board.id, board.tokens.member)
    await waitFor(() => watcher.doc.getMap('shapes').has('shape:before'), 10_000, 'relay before the cut')
    expect(await readyStatus(server)).toBe(200)

    proxy.cut()
    editor.doc.getMap('shapes').set('shape:during', { ok: true })
    await waitFor(() => editor.closeCodes.includes(CloseCode.storageUnavailable), 15_000, 'the editor closed with 4503')
    await waitForReady(server, 503)

    proxy.restore()
    await waitForReady(server, 200)
    await waitFor(() => watcher.doc.getMap('shapes').has('shape:during'), 20_000, 'the change made during the cut, relayed after it')
    const late = client(server, board.id, board.tokens.observer)
    await waitFor(() => late.provider.synced && late.doc.getMap('shapes').size === 2, 15_000, 'a new client sees both changes')
    expect(server.process.exitCode).toBeNull()
  }, 90_000)
})
