/**
 * The SQLite backend never answers a damaged document: on a real file, rows are changed behind its
 * back with SQL (a flipped byte, a row moved to another document or renumbered, a row or snapshot
 * deleted) and loadDocument must throw DamagedDocumentError naming the document, while the other
 * documents load as stored. Also: the WAL file stays small after a write burst, and while writes
 * never pause, with the checkpoints made by the checkpoint worker.
 */
import { afterEach, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import * as Y from 'yjs'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { DamagedDocumentError } from '../../server/storage/storage'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'
import { waitFor } from '../helpers/boardClient'

const dirs: string[] = []
const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  for (const handle of open.splice(0)) await handle.close()
  for (const dir of dirs.splice(0)) removeDataDir(dir)
})

function databaseFile(): string {
  const dir = makeDataDir()
  dirs.push(dir)
  return join(dir, 'think-together.sqlite')
}

function openStorage(file: string, options?: ConstructorParameters<typeof SqliteStorage>[1]): SqliteStorage {
  const storage = new SqliteStorage(file, options)
  open.push(storage)
  return storage
}

function update(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = 1
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

/** Changes the file behind the storage's back; the storage is closed first and reopened after. */
function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file)
  db.prepare(sql).run(...params)
  db.close()
}

async function expectDamaged(storage: SqliteStorage, docName: string, problem: RegExp): Promise<void> {
  const error = await storage.loadDocument(docName).then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(DamagedDocumentError)
  expect((error as DamagedDocumentError).docName).toBe(docName)
  expect((error as DamagedDocumentError).problem).toMatch(problem)
}

/** Two documents: "a" with a snapshot and two updates after it, "b" with three updates. */
async function twoDocuments(file: string): Promise<{ aSeqs: number[]; bSeqs: number[] }> {
  const storage = new SqliteStorage(file)
  const through = await storage.appendUpdates('a', [update('a1'), update('a2')])
  await storage.compactDocument('a', update('a snapshot'), through)
  const aSeqs = [await storage.appendUpdates('a', [update('a3')]), await storage.appendUpdates('a', [update('a4')])]
  const bSeqs: number[] = []
  for (const text of ['b1', 'b2', 'b3']) bSeqs.push(await storage.appendUpdates('b', [update(text)]))
  await storage.close()
  return { aSeqs, bSeqs }
}

describe('stored documents check out on load', () => {
  test('intact documents load exactly as stored, and a never-stored document is empty', async () => {
    const file = databaseFile()
    await twoDocuments(file)
    const storage = openStorage(file)
    expect(await storage.loadDocument('a')).toMatchObject({ snapshot: update('a snapshot'), updates: [update('a3'), update('a4')] })
    expect((await storage.loadDocument('b')).updates).toEqual([update('b1'), update('b2'), update('b3')])
    expect(await storage.loadDocument('never-stored')).toEqual({ snapshot: null, updates: [], lastSeq: 0 })
  })

  test('one flipped byte in an update: that document is refused as damaged, the others load', async () => {
    const file = databaseFile()
    const { bSeqs } = await twoDocuments(file)
    tamper(file, 'UPDATE document_updates SET data = CAST(? AS BLOB) WHERE seq = ?', flipByte(update('b2'), 3), bSeqs[1])
    const storage = openStorage(file)
    await expectDamaged(storage, 'b', new RegExp(`update ${bSeqs[1]} does not match its checksum`))
    expect((await storage.loadDocument('a')).updates).toHaveLength(2)
  })

  test('one flipped byte in a snapshot: the document is refused as damaged', async () => {
    const file = databaseFile()
    await twoDocuments(file)
    tamper(file, "UPDATE document_snapshots SET data = CAST(? AS BLOB) WHERE doc = 'a'", flipByte(update('a snapshot'), 5))
    await expectDamaged(openStorage(file), 'a', /snapshot .* does not match its checksum/)
  })

  test('an intact row moved to another document: its checksum fails there, and the log it left has a gap', async () => {
    const file = databaseFile()
    const { bSeqs } = await twoDocuments(file)
    tamper(file, "UPDATE document_updates SET doc = 'a' WHERE seq = ?", bSeqs[1])
    const storage = openStorage(file)
    await expectDamaged(storage, 'a', /does not match its checksum/)
    await expectDamaged(storage, 'b', /updates are missing or out of place/)
  })

  test('an intact row renumbered (moved in the order) fails its checksum', async () => {
    const file = databaseFile()
    const { bSeqs } = await twoDocuments(file)
    tamper(file, 'UPDATE document_updates SET seq = seq + 1000 WHERE seq = ?', bSeqs[2])
    await expectDamaged(openStorage(file), 'b', /does not match its checksum/)
  })

  test('a missing update in the middle of a log: the next one names what it follows', async () => {
    const file = databaseFile()
    const { bSeqs } = await twoDocuments(file)
    tamper(file, 'DELETE FROM document_updates WHERE seq = ?', bSeqs[1])
    await expectDamaged(openStorage(file), 'b', /updates are missing or out of place/)
  })

  test('a missing first update of a log that has no snapshot', async () => {
    const file = databaseFile()
    const { bSeqs } = await twoDocuments(file)
    tamper(file, 'DELETE FROM document_updates WHERE seq = ?', bSeqs[0])
    await expectDamaged(openStorage(file), 'b', /the snapshot it builds on is missing/)
  })

  test('a missing snapshot whose log builds on it', async () => {
    const file = databaseFile()
    await twoDocuments(file)
    tamper(file, "DELETE FROM document_snapshots WHERE doc = 'a'")
    await expectDamaged(openStorage(file), 'a', /the snapshot it builds on is missing/)
  })

  test('a compacted document whose snapshot is gone is damaged, not new and empty', async () => {
    const file = databaseFile()
    const storage = new SqliteStorage(file)
    const through = await storage.appendUpdates('c', [update('c1'), update('c2')])
    await storage.compactDocument('c', update('c snapshot'), through)
    await storage.close()
    tamper(file, "DELETE FROM document_snapshots WHERE doc = 'c'")
    await expectDamaged(openStorage(file), 'c', /neither its snapshot nor any of its updates is there/)
  })

  test('rows of a document missing from the list of stored documents', async () => {
    const file = databaseFile()
    await twoDocuments(file)
    tamper(file, "DELETE FROM documents WHERE doc = 'b'")
    await expectDamaged(openStorage(file), 'b', /missing from the list of stored documents/)
  })

  test('a document keeps checking out across appends, compactions and reopening', async () => {
    const file = databaseFile()
    const expected: Uint8Array[] = []
    for (let round = 0; round < 4; round++) {
      const storage = new SqliteStorage(file)
      // Loaded first, as the relay does; the second round appends without loading.
      if (round !== 1) await storage.loadDocument('d')
      let last = 0
      for (let i = 0; i < 5; i++) {
        const u = update(`d${round}.${i}`)
        expected.push(u)
        last = await storage.appendUpdates('d', [u])
      }
      if (round === 2) {
        await storage.compactDocument('d', update(`snapshot ${round}`), last)
        expected.length = 0
      }
      const [many] = await storage.appendUpdatesMany([{ docName: 'd', updates: [update(`many ${round}`)] }])
      expected.push(update(`many ${round}`))
      expect(many).toBeGreaterThan(last)
      await storage.close()
    }
    const storage = openStorage(file)
    expect((await storage.loadDocument('d')).updates).toEqual(expected)
  })
})

describe('the WAL file stays small', () => {
  function walBytes(file: string): number {
    return existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0
  }

  async function burst(storage: SqliteStorage, docName: string): Promise<number> {
    const payload = new Uint8Array(2048).fill(7)
    let last = 0
    for (let i = 0; i < 3000; i++) last = await storage.appendUpdates(docName, [payload])
    return last
  }

  test('without the checkpoint worker, compaction checkpoints and truncates the WAL at once', async () => {
    const file = databaseFile()
    const storage = openStorage(file, { idleCheckpointMs: 60_000, checkpointInWorker: false })
    const last = await burst(storage, 'burst')
    expect(walBytes(file)).toBeGreaterThan(1024 * 1024)
    await storage.compactDocument('burst', update('compacted'), last)
    expect(walBytes(file)).toBe(0)
    expect(await storage.loadDocument('burst')).toMatchObject({ snapshot: update('compacted'), updates: [] })
  })

  test('while writes never pause, the checkpoint worker keeps the WAL small (the writing connection has its automatic checkpoint off)', async () => {
    const file = databaseFile()
    const storage = openStorage(file, { idleCheckpointMs: 60_000 })
    // A second connection sees what the writing one does; its own automatic checkpoint is off.
    const observer = new Database(file)
    open.push(observer)
    const payload = new Uint8Array(4096).fill(9)
    let largest = 0
    // 48 MiB of commits, one per event-loop turn as the relay makes them: SQLite's automatic
    // checkpoint is off on the writing connection, so without the worker the WAL would hold all of it.
    for (let i = 0; i < 12_000; i++) {
      await storage.appendUpdates('steady', [payload])
      if (i % 500 === 0) largest = Math.max(largest, walBytes(file))
      await nextTurn()
    }
    console.log(`[storage.integrity] 12,000 commits of 4 KiB, one per turn: the WAL file peaked at ${(largest / 2 ** 20).toFixed(1)} MiB`)
    expect(largest).toBeLessThan(24 * 2 ** 20)
    expect((await storage.loadDocument('steady')).updates).toHaveLength(12_000)
    expect(observer.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(storage.checkpointsInWorker).toBe(true)
  })

  test('without the worker, SQLite checkpoints on the writing connection as before', async () => {
    const file = databaseFile()
    const storage = openStorage(file, { idleCheckpointMs: 60_000, checkpointInWorker: false })
    const payload = new Uint8Array(2048).fill(5)
    let largest = 0
    for (let i = 0; i < 6000; i++) {
      await storage.appendUpdates('steady', [payload])
      if (i % 500 === 0) largest = Math.max(largest, walBytes(file))
    }
    expect(largest).toBeLessThan(8 * 2 ** 20)
    expect((await storage.loadDocument('steady')).updates).toHaveLength(6000)
    expect(storage.checkpointsInWorker).toBe(false)
  })

  test('after a write burst, a moment without writes checkpoints and truncates the WAL', async () => {
    const file = databaseFile()
    const storage = openStorage(file, { idleCheckpointMs: 200 })
    await burst(storage, 'burst')
    expect(walBytes(file)).toBeGreaterThan(1024 * 1024)
    await waitFor(() => walBytes(file) === 0, 10_000, 'the WAL to be truncated once idle')
    expect((await storage.loadDocument('burst')).updates).toHaveLength(3000)
  })
})

function flipByte(bytes: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[index] ^= 0x01
  return copy
}
