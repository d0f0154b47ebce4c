/**
 * Backups of a running server's database (`npm run backup -- <file>`, here the same tool run from
 * its source through tsx): taken while a client keeps writing, without the data directory's lock;
 * restored (`npm run restore -- <file>`) only into an empty DATA_DIR, refusing a non-empty one and
 * a running server's; a server started on the restored directory serves the boards, and their old
 * links still open.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync } from '../helpers/boardClient'

const ROOT = resolve(import.meta.dirname, '..', '..')

/** Runs the backup tool as `npm run backup` / `npm run restore` would, without blocking this process. */
function databaseTool(command: 'backup' | 'restore', file: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'database.ts'), command, file], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => resolvePromise({ code, output }))
  })
}

describe('backup and restore', () => {
  const work = makeDataDir()
  const servers: ServerProcess[] = []
  afterAll(async () => {
    for (const server of servers) await server.stop()
    for (const server of servers) removeDataDir(server.dataDir)
    removeDataDir(work)
  })

  it('backs up a running, writing server; restores only into an empty directory; the restored server serves the board and its links', {
    timeout: 120_000,
  }, async () => {
    const server = await startServerProcess()
    servers.push(server)
    const board = await createBoard(server.url)
    const writer = connectClient(server.wsUrl, board.id, board.tokens.member)
    const reader = connectClient(server.wsUrl, board.id, board.tokens.member)
    await Promise.all([waitForSync(writer), waitForSync(reader)])
    const cards = writer.doc.getMap<number>('cards')
    for (let i = 0; i < 200; i++) cards.set(`before-${i}`, i)
    // The relay stores an update before it relays it: once the reader has them, they are stored.
    await waitFor(() => reader.doc.getMap('cards').size === 200, 10_000, 'the first 200 entries to be stored')

    // Keep writing while the backup runs.
    let written = 0
    const writing = setInterval(() => cards.set(`during-${written++}`, written), 5)
    const file = join(work, 'backup.sqlite')
    const backup = await databaseTool('backup', file, server.dataDir)
    clearInterval(writing)
    expect(backup.code, backup.output).toBe(0)
    expect(backup.output).toMatch(/backed up .* \(\d+ bytes, \d+ ms\)/)
    expect(written).toBeGreaterThan(0)
    expect(existsSync(`${file}.token-secret`)).toBe(true)
    const copy = new Database(file, { readonly: true })
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok')
    expect(copy.prepare('SELECT id FROM boards').all()).toEqual([{ id: board.id }])
    expect(copy.pragma('user_version', { simple: true })).toBeGreaterThan(0)
    copy.close()
    writer.destroy()
    reader.destroy()

    expect((await databaseTool('backup', file, server.dataDir)).output).toContain('exists already')

    // Refused: the running server's directory, and any directory with something in it.
    const running = await databaseTool('restore', file, server.dataDir)
    expect(running.code).toBe(1)
    expect(running.output).toContain('a Think Together server is running on')
    const occupied = join(work, 'occupied')
    mkdirSync(occupied)
    writeFileSync(join(occupied, 'notes.txt'), 'something of someone else')
    const notEmpty = await databaseTool('restore', file, occupied)
    expect(notEmpty.code).toBe(1)
    expect(notEmpty.output).toContain('is not empty (it holds notes.txt)')
    const notABackup = await databaseTool('restore', join(occupied, 'notes.txt'), makeDataDir())
    expect(notABackup.code).toBe(1)

    const restoredDir = join(work, 'restored')
    const restore = await databaseTool('restore', file, restoredDir)
    expect(restore.code, restore.output).toBe(0)

    const restored = await startServerProcess({ dataDir: restoredDir })
    servers.push(restored)
    // The old link's token still opens the board: the token secret came back with the database.
    const answer = await fetch(`${restored.url}/api/boards/${board.id}`, { headers: { Authorization: `Bearer ${board.tokens.member}` } })
    expect(answer.status).toBe(200)
    const later = connectClient(restored.wsUrl, board.id, board.tokens.member)
    try {
      await waitForSync(later)
      const entries = later.doc.getMap<number>('cards')
      for (let i = 0; i < 200; i++) expect(entries.get(`before-${i}`)).toBe(i)
    } finally {
      later.destroy()
    }
  })
})
