/**
 * `npm run export` (server/exchange/exportCli.ts, run here with tsx) on the data directory of a
 * running server and of the same server once stopped, and on PostgreSQL: it gives what the HTTP
 * export gives, only reads (the server's board count and its database file's contents are
 * unchanged), and refuses a bad board id, an unknown board and an unknown format by name.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BoardFile } from '../../shared/exchange/boardFile'
import { richBoardFile } from '../helpers/boardFileFixture'
import { createTestSchema, findPostgres } from '../helpers/pgSchema'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const CLI = join(import.meta.dirname, '../../server/exchange/exportCli.ts')
/** Each run starts Node with tsx: seconds each on a loaded two-core machine, and a test makes three. */
const CLI_TEST_MS = 180_000

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

function runExport(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

async function importBoard(server: ServerProcess): Promise<{ id: string; observer: string }> {
  const response = await fetch(`${server.url}/api/boards/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(richBoardFile()),
  })
  expect(response.status).toBe(201)
  const body = (await response.json()) as { id: string; links: Record<string, string> }
  return { id: body.id, observer: new URL(body.links.observer).hash.replace('#token=', '') }
}

async function httpExport(server: ServerProcess, board: { id: string; observer: string }, format: string): Promise<string> {
  const response = await fetch(`${server.url}/api/boards/${board.id}/export?format=${format}`, { headers: { Authorization: `Bearer ${board.observer}` } })
  expect(response.status).toBe(200)
  return response.text()
}

const withoutTime = (text: string) => ({ ...(JSON.parse(text) as BoardFile), exportedAt: 0 })

describe('on SQLite', () => {
  let server: ServerProcess
  let board: { id: string; observer: string }
  beforeAll(async () => {
    server = await startServerProcess()
    board = await importBoard(server)
  })
  afterAll(() => removeDataDir(server.dataDir))

  test('beside the running server it gives what the HTTP export gives, and changes nothing', { timeout: CLI_TEST_MS }, async () => {
    const env = { DATA_DIR: server.dataDir }
    const databaseFile = join(server.dataDir, 'think-together.sqlite')
    const rowsBefore = () => {
      const db = new Database(databaseFile, { readonly: true })
      const counts = db.prepare('SELECT (SELECT COUNT(*) FROM boards) AS boards').get()
      db.close()
      return counts
    }
    const before = rowsBefore()
    const json = await runExport([board.id, '--format', 'json'], env)
    expect(json.code).toBe(0)
    expect(withoutTime(json.stdout)).toEqual(withoutTime(await httpExport(server, board, 'json')))
    const markdown = await runExport([board.id, '--format', 'md'], env)
    expect(markdown.stdout).toBe(await httpExport(server, board, 'md'))
    const csv = await runExport([board.id, '--format', 'csv'], env)
    expect(csv.stdout).toBe(await httpExport(server, board, 'csv'))
    expect(rowsBefore()).toEqual(before)
    // The server never noticed: it still serves and exports.
    expect(await httpExport(server, board, 'md')).toBe(markdown.stdout)
  })

  test('on the data directory of the stopped server it gives the same', { timeout: CLI_TEST_MS }, async () => {
    const whileRunning = await httpExport(server, board, 'md')
    expect(await server.stop()).toBe(0)
    const stopped = await runExport([board.id, '--format', 'md'], { DATA_DIR: server.dataDir })
    expect(stopped.code).toBe(0)
    expect(stopped.stdout).toBe(whileRunning)
  })

  test('refuses a bad board id, an unknown board and an unknown format, saying which', { timeout: CLI_TEST_MS }, async () => {
    const env = { DATA_DIR: server.dataDir }
    const badId = await runExport(['not-an-id', '--format', 'md'], env)
    expect(badId.code).toBe(1)
    expect(badId.stderr).toMatch(/not-an-id is not a board id/)
    const unknown = await runExport(['AAAAAAAAAAAAAAAAAAAAAA', '--format', 'md'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/there is no board AAAAAAAAAAAAAAAAAAAAAA/)
    const format = await runExport([board.id, '--format', 'docx'], env)
    expect(format.code).toBe(2)
    expect(format.stderr).toMatch(/usage: npm run export -- <boardId> --format md\|json\|csv/)
  })
})

describe('on PostgreSQL', async () => {
  const available = await findPostgres()
  test.skipIf(!available)('reads the configured database of a running server', { timeout: CLI_TEST_MS }, async () => {
    const schema = await createTestSchema()
    const env = { DATABASE_URL: schema.url, TOKEN_SECRET: 'an-export-test-secret-of-at-least-32-characters' }
    const server = await startServerProcess({ env })
    try {
      const board = await importBoard(server)
      const json = await runExport([board.id, '--format', 'json'], env)
      expect(json.code).toBe(0)
      expect(withoutTime(json.stdout)).toEqual(withoutTime(await httpExport(server, board, 'json')))
    } finally {
      await server.stop()
      removeDataDir(server.dataDir)
      await schema.drop()
    }
  })
})
