/**
 * Durability over real process boundaries: a board survives a server restart, and an idle
 * document is unloaded from memory and reloaded intact (from its compacted snapshot).
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import * as Y from 'yjs'
import { BOARD_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const servers: ServerProcess[] = []
const clients: TestClient[] = []
const dataDirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of servers.splice(0)) await s.stop('SIGKILL')
  for (const d of dataDirs.splice(0)) removeDataDir(d)
})

async function start(dataDir: string, env: Record<string, string> = {}) {
  const server = await startServerProcess({ dataDir, env })
  servers.push(server)
  return server
}

function client(server: ServerProcess, boardId: string, token: string) {
  const c = connectClient(server.wsUrl, boardId, token)
  clients.push(c)
  return c
}

describe('persistence', () => {
  test('a board survives a server restart (SIGTERM exits 0, clients are told to reconnect)', async () => {
    const dataDir = makeDataDir()
    dataDirs.push(dataDir)
    const first = await start(dataDir)
    const board = await createBoard(first.url)
    const writer = client(first, board.id, board.tokens.member)
    await waitForSync(writer)
    for (let i = 0; i < 50; i++) writer.doc.getMap('shapes').set(`shape:${i}`, { i })
    writer.doc.getText('note').insert(0, 'kept across restarts')
    const reader = client(first, board.id, board.tokens.member)
    await waitFor(() => reader.doc.getMap('shapes').size === 50 && reader.doc.getText('note').length > 0, 10_000, 'relay')
    writer.destroy()
    reader.provider.disconnect()

    expect(await first.stop('SIGTERM')).toBe(0)
    const second = await start(dataDir)
    const fresh = client(second, board.id, board.tokens.observer)
    await waitForSync(fresh)
    expect(fresh.doc.getMap('shapes').size).toBe(50)
    expect(fresh.doc.getText('note').toString()).toBe('kept across restarts')
    const control = client(second, controlDocName(board.id), board.tokens.observer)
    await waitForSync(control)
    expect(control.doc.getMap(BOARD_MAP).get('problem')?.toString()).toBe('Handovers lose information.')
  })

  test('SIGTERM stores what was received, closes clients with a retryable code; they reconnect and converge', async () => {
    const dataDir = makeDataDir()
    dataDirs.push(dataDir)
    const first = await start(dataDir)
    const board = await createBoard(first.url)
    const c = client(first, board.id, board.tokens.member)
    await waitForSync(c)
    c.doc.getMap('shapes').set('shape:before', { ok: true })
    expect(await first.stop('SIGTERM')).toBe(0)
    await waitFor(() => c.closeCodes.length > 0, 5000, 'close')
    expect(c.closeCodes[0]).toBe(CloseCode.goingAway)
    // Written while the server is down: kept by the client, sent when it reconnects.
    c.doc.getMap('shapes').set('shape:offline', { ok: true })
    const second = await startServerProcess({ dataDir, port: first.port })
    servers.push(second)
    await waitFor(() => c.provider.wsconnected && c.provider.synced, 15_000, 'reconnect')
    const again = client(second, board.id, board.tokens.member)
    await waitFor(() => again.doc.getMap('shapes').size === 2, 10_000, 'convergence')
    expect(again.doc.getMap('shapes').toJSON()).toEqual({ 'shape:before': { ok: true }, 'shape:offline': { ok: true } })
  })

  test('an idle document is unloaded, compacted into a snapshot, and reloaded intact', async () => {
    const dataDir = makeDataDir()
    dataDirs.push(dataDir)
    const server = await start(dataDir, { DOCUMENT_IDLE_MS: '200', COMPACT_AFTER_UPDATES: '1000000' })
    const board = await createBoard(server.url)
    const writer = client(server, board.id, board.tokens.facilitator)
    await waitForSync(writer)
    for (let i = 0; i < 20; i++) writer.doc.getArray('items').push([i])
    const expected = Y.encodeStateVector(writer.doc)
    await waitFor(() => writer.provider.synced, 5000)
    // Wait until the server has stored everything the writer sent, by reading it back.
    const check = client(server, board.id, board.tokens.member)
    await waitFor(() => check.doc.getArray('items').length === 20, 10_000, 'stored')
    writer.destroy()
    check.destroy()
    await waitFor(() => server.logs.some((line) => line.msg === 'document unloaded' && line.boardId === board.id), 10_000, 'unload')
    const db = new Database(join(dataDir, 'think-together.sqlite'), { readonly: true })
    const snapshots = db.prepare('SELECT COUNT(*) AS n FROM document_snapshots WHERE doc = ?').get(board.id) as { n: number }
    const updates = db.prepare('SELECT COUNT(*) AS n FROM document_updates WHERE doc = ?').get(board.id) as { n: number }
    db.close()
    expect(snapshots.n).toBe(1)
    expect(updates.n).toBe(0)

    const reloaded = client(server, board.id, board.tokens.member)
    await waitForSync(reloaded)
    expect(reloaded.doc.getArray('items').toArray()).toEqual([...Array(20).keys()])
    expect(Y.decodeStateVector(Y.encodeStateVector(reloaded.doc))).toEqual(Y.decodeStateVector(expected))
  })
})
