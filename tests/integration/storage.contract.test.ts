/**
 * The storage contract every backend must pass. Today the embedded SQLite backend runs it, on a
 * real file on disk; a new backend adds one line to `backends`.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { join } from 'node:path'
import * as Y from 'yjs'
import type { Storage } from '../../server/storage/storage'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir)
})

const backends: Array<[string, () => { open: () => Storage }]> = [
  [
    'sqlite',
    () => {
      const dir = makeDataDir()
      dirs.push(dir)
      return { open: () => new SqliteStorage(join(dir, 'db.sqlite')) }
    },
  ],
]

function update(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

describe.each(backends)('storage contract: %s', (_name, makeBackend) => {
  test('a created board is readable with its first update, and unknown boards are null', async () => {
    const storage = makeBackend().open()
    await storage.createBoard({ id: 'b1', title: 'T', problem: 'P', createdAt: 1 }, [
      { docName: 'b1.control', update: update('seed') },
    ])
    expect(await storage.getBoard('b1')).toEqual({ id: 'b1', title: 'T', problem: 'P', createdAt: 1 })
    expect(await storage.getBoard('nope')).toBeNull()
    const stored = await storage.loadDocument('b1.control')
    expect(stored.snapshot).toBeNull()
    expect(stored.updates).toHaveLength(1)
    await storage.close()
  })

  test('appended updates come back in order, and survive reopening', async () => {
    const backend = makeBackend()
    const storage = backend.open()
    const written = [update('a'), update('b'), update('c')]
    const first = await storage.appendUpdates('doc', written.slice(0, 2))
    const second = await storage.appendUpdates('doc', written.slice(2))
    expect(second).toBeGreaterThan(first)
    await storage.close()
    const reopened = backend.open()
    const stored = await reopened.loadDocument('doc')
    expect(stored.updates).toEqual(written)
    expect(stored.lastSeq).toBe(second)
    await reopened.close()
  })

  test('compaction replaces the log up to a sequence number with a snapshot, keeping later updates', async () => {
    const storage = makeBackend().open()
    const through = await storage.appendUpdates('doc', [update('a'), update('b')])
    await storage.appendUpdates('doc', [update('later')])
    const snapshot = update('snapshot')
    await storage.compactDocument('doc', snapshot, through)
    const stored = await storage.loadDocument('doc')
    expect(stored.snapshot).toEqual(snapshot)
    expect(stored.updates).toHaveLength(1)
    await storage.close()
  })

  test('updates to several documents are appended in one call, each in order, with its last sequence number', async () => {
    const storage = makeBackend().open()
    const a = [update('a1'), update('a2')]
    const b = [update('b1')]
    const [lastA, lastB] = await storage.appendUpdatesMany([
      { docName: 'a', updates: a },
      { docName: 'b', updates: b },
    ])
    expect(lastB).toBeGreaterThan(lastA)
    expect((await storage.loadDocument('a')).updates).toEqual(a)
    expect((await storage.loadDocument('b'))).toMatchObject({ updates: b, lastSeq: lastB })
    await storage.close()
  })

  test('documents are separate', async () => {
    const storage = makeBackend().open()
    await storage.appendUpdates('one', [update('1')])
    expect((await storage.loadDocument('two')).updates).toHaveLength(0)
    await storage.close()
  })

  test('assets are stored per board', async () => {
    const storage = makeBackend().open()
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) })
    expect(await storage.getAsset('b1', 'a'.repeat(40))).toEqual({ mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) })
    expect(await storage.getAsset('b2', 'a'.repeat(40))).toBeNull()
    await storage.close()
  })

  test('a failed read rejects instead of answering an empty document', async () => {
    const storage = makeBackend().open()
    await storage.close()
    await expect(storage.loadDocument('doc')).rejects.toThrow()
  })
})
