/**
 * The storage contract every backend must pass, one block per concern of the Storage interface
 * and a test for every method, run unchanged against each backend in `BACKENDS`: the embedded
 * SQLite backend on a real file on disk, and PostgreSQL in a schema of its own per backend made
 * (tests/helpers/pgSchema.ts). With CI=true PostgreSQL must be there; elsewhere, without it, its
 * blocks are reported as skipped. A new backend adds one entry to `BACKENDS`.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { DamagedDocumentError, StorageError, type Storage, type StoredBallot, type StoredPerson, type StoredVoteRound } from '../../server/storage/storage'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { PostgresStorage } from '../../server/storage/postgresStorage'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'
import { createTestSchema, findPostgres } from '../helpers/pgSchema'

/** One database of a backend; every `open` sees the same data. */
interface Backend {
  open(): Promise<Storage>
  /** Changes the bytes of the document's last stored update in place, behind the storage's back. */
  damageLastUpdate(docName: string): Promise<void>
  /** Changes the bytes of the document's last history step in place, behind the storage's back. */
  damageLastHistoryStep(docName: string): Promise<void>
}

interface BackendKind {
  name: string
  available: boolean
  /** Whether several Storage instances (several servers) may write one database at once. */
  sharedByServers: boolean
  make(): Promise<Backend>
}

const cleanups: Array<() => Promise<void> | void> = []
const opened: Storage[] = []
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close().catch(() => undefined)
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Resolves once Date.now() has moved past `ms` (a condition, not a fixed sleep). */
async function waitUntilClockPasses(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve))
}

function tracked(storage: Storage): Storage {
  opened.push(storage)
  return storage
}

const postgresAvailable = await findPostgres()

const BACKENDS: BackendKind[] = [
  {
    name: 'sqlite',
    available: true,
    // One server per DATA_DIR: sequence numbers are handed out in-process (dataDirectory.ts locks the directory).
    sharedByServers: false,
    make: async () => {
      const dir = makeDataDir()
      cleanups.push(() => removeDataDir(dir))
      const file = join(dir, 'db.sqlite')
      return {
        open: async () => tracked(new SqliteStorage(file)),
        damageLastUpdate: async (docName) => {
          const db = new Database(file)
          db.prepare("UPDATE document_updates SET data = X'00' WHERE seq = (SELECT MAX(seq) FROM document_updates WHERE doc = ?)").run(docName)
          db.close()
        },
        damageLastHistoryStep: async (docName) => {
          const db = new Database(file)
          db.prepare("UPDATE history_steps SET data = X'00' WHERE id = (SELECT MAX(id) FROM history_steps WHERE doc = ?)").run(docName)
          db.close()
        },
      }
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    sharedByServers: true,
    make: async () => {
      const schema = await createTestSchema()
      cleanups.push(() => schema.drop())
      return {
        open: async () => tracked(await PostgresStorage.open(schema.url)),
        damageLastUpdate: async (docName) => {
          await schema.query("UPDATE document_updates SET data = '\\x00' WHERE seq = (SELECT MAX(seq) FROM document_updates WHERE doc = $1)", [docName])
        },
        damageLastHistoryStep: async (docName) => {
          await schema.query("UPDATE history_steps SET data = '\\x00' WHERE id = (SELECT MAX(id) FROM history_steps WHERE doc = $1)", [docName])
        },
      }
    },
  },
]

/** One describe block per backend; a backend that is not there is reported as skipped. */
function forEachBackend(title: string, body: (kind: BackendKind) => void): void {
  for (const kind of BACKENDS) describe.skipIf(!kind.available)(`${title}: ${kind.name}`, () => body(kind))
}

/** The text of every update and snapshot of a stored document, applied in order. */
function contentOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Record<string, unknown> {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const u of stored.updates) Y.applyUpdate(doc, u)
  return doc.getMap('m').toJSON()
}

/** An update of a shared document `base` setting one key, as one editor's change would be. */
function mapUpdate(base: Y.Doc, key: string, value: unknown): Uint8Array {
  let captured: Uint8Array | null = null
  const capture = (u: Uint8Array) => (captured = u)
  base.on('update', capture)
  base.getMap('m').set(key, value)
  base.off('update', capture)
  if (!captured) throw new Error('no update was produced')
  return captured
}

function update(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

const round = (overrides: Partial<StoredVoteRound> = {}): StoredVoteRound => ({
  boardId: 'b1',
  roundId: 'r1',
  number: 1,
  title: 'What first?',
  cardIds: ['c1', 'c2'],
  budget: 3,
  anonymous: true,
  status: 'open',
  openedAt: 10,
  closedAt: null,
  ...overrides,
})

const ballot = (personId: string, dots: Record<string, number>, updatedAt = 20): StoredBallot => ({
  personId,
  dots,
  voter: { id: `voter-${personId}`, name: `Name ${personId}`, color: '#123456' },
  updatedAt,
})

const person = (overrides: Partial<StoredPerson> = {}): StoredPerson => ({
  boardId: 'b1',
  personId: 'p1',
  role: 'member',
  name: null,
  color: '#abcdef',
  practice: '',
  createdAt: 100,
  lastSeenAt: 100,
  ...overrides,
})

forEachBackend('storage contract', (kind) => {
  const makeBackend = () => kind.make()
  const openFresh = async () => (await kind.make()).open()

  test('a created board is readable with its first update, and unknown boards are null', async () => {
    const storage = await openFresh()
    await storage.createBoard({ id: 'b1', title: 'T', problem: 'P', createdAt: 1 }, [{ docName: 'b1.control', update: update('seed') }])
    expect(await storage.getBoard('b1')).toEqual({ id: 'b1', title: 'T', problem: 'P', createdAt: 1 })
    expect(await storage.getBoard('nope')).toBeNull()
    const stored = await storage.loadDocument('b1.control')
    expect(stored.snapshot).toBeNull()
    expect(stored.updates).toHaveLength(1)
    await storage.close()
  })

  test('appended updates come back in order, and survive reopening', async () => {
    const backend = await makeBackend()
    const storage = await backend.open()
    const written = [update('a'), update('b'), update('c')]
    const first = await storage.appendUpdates('doc', written.slice(0, 2))
    const second = await storage.appendUpdates('doc', written.slice(2))
    expect(second).toBeGreaterThan(first)
    await storage.close()
    const reopened = await backend.open()
    const stored = await reopened.loadDocument('doc')
    expect(stored.updates).toEqual(written)
    expect(stored.lastSeq).toBe(second)
    await reopened.close()
  })

  test('compaction replaces the log up to a sequence number with a snapshot, keeping later updates', async () => {
    const storage = await openFresh()
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
    const storage = await openFresh()
    const a = [update('a1'), update('a2')]
    const b = [update('b1')]
    const [lastA, lastB] = await storage.appendUpdatesMany([
      { docName: 'a', updates: a },
      { docName: 'b', updates: b },
    ])
    expect(lastB).toBeGreaterThan(lastA)
    expect((await storage.loadDocument('a')).updates).toEqual(a)
    expect(await storage.loadDocument('b')).toMatchObject({ updates: b, lastSeq: lastB })
    await storage.close()
  })

  test('documents are separate', async () => {
    const storage = await openFresh()
    await storage.appendUpdates('one', [update('1')])
    expect((await storage.loadDocument('two')).updates).toHaveLength(0)
    await storage.close()
  })

  test('listDocumentNames: the stored documents starting with a prefix, compacted ones included', async () => {
    const storage = await openFresh()
    await storage.appendUpdates('b1.drafts.p1', [update('1')])
    const through = await storage.appendUpdates('b1.drafts.p2', [update('2')])
    await storage.compactDocument('b1.drafts.p2', update('2 compacted'), through)
    await storage.appendUpdates('b1.control', [update('c')])
    await storage.appendUpdates('b2.drafts.p1', [update('other board')])
    expect((await storage.listDocumentNames('b1.drafts.')).sort()).toEqual(['b1.drafts.p1', 'b1.drafts.p2'])
    expect(await storage.listDocumentNames('b3.')).toEqual([])
    await storage.close()
  })

  test('sequence numbers keep growing after a compaction that emptied the log, across reopening', async () => {
    const backend = await makeBackend()
    const storage = await backend.open()
    const through = await storage.appendUpdates('doc', [update('a'), update('b')])
    const snapshot = update('snapshot')
    await storage.compactDocument('doc', snapshot, through)
    await storage.close()
    const reopened = await backend.open()
    const after = update('after')
    const next = await reopened.appendUpdates('doc', [after])
    expect(next).toBeGreaterThan(through)
    expect(await reopened.loadDocument('doc')).toEqual({ snapshot, updates: [after], lastSeq: next })
    await reopened.close()
  })

  test('assets are stored per board', async () => {
    const storage = await openFresh()
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) })
    expect(await storage.getAsset('b1', 'a'.repeat(40))).toEqual({ mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) })
    expect(await storage.getAsset('b2', 'a'.repeat(40))).toBeNull()
    await storage.close()
  })

  test('an asset id keeps the bytes first stored under it', async () => {
    const storage = await openFresh()
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1]) })
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([2]) })
    expect(await storage.getAsset('b1', 'a'.repeat(40))).toEqual({ mimeType: 'image/png', data: new Uint8Array([1]) })
    await storage.close()
  })

  test('a board quota refuses a new file that would pass it, counts a stored one again at nothing, and leaves other boards alone', async () => {
    const storage = await openFresh()
    const quota = { maxBoardBytes: 10 }
    const file = (byte: number, size: number) => ({ mimeType: 'image/png', data: new Uint8Array(size).fill(byte) })
    expect(await storage.putAsset('b1', 'a'.repeat(40), file(1, 6), quota)).toEqual({ stored: true, boardBytes: 6 })
    expect(await storage.putAsset('b1', 'b'.repeat(40), file(2, 5), quota)).toEqual({ stored: false, reason: 'over-quota', boardBytes: 6 })
    expect(await storage.getAsset('b1', 'b'.repeat(40))).toBeNull()
    expect(await storage.putAsset('b1', 'a'.repeat(40), file(1, 6), quota)).toEqual({ stored: true, boardBytes: 6 })
    expect(await storage.putAsset('b1', 'c'.repeat(40), file(3, 4), quota)).toEqual({ stored: true, boardBytes: 10 })
    expect(await storage.putAsset('b2', 'b'.repeat(40), file(2, 5), quota)).toEqual({ stored: true, boardBytes: 5 })
    await storage.close()
  })

  test('uploads racing for the last room in a quota never pass it together', async () => {
    const storage = await openFresh()
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.putAsset('b1', String(i).repeat(40), { mimeType: 'image/png', data: new Uint8Array(4).fill(i) }, { maxBoardBytes: 12 }),
      ),
    )
    expect(outcomes.filter((outcome) => outcome.stored)).toHaveLength(3)
    expect((await storage.listAssets('b1')).reduce((sum, asset) => sum + asset.bytes, 0)).toBe(12)
    await storage.close()
  })

  test('listAssets gives each file its size and upload time; deleteAssets removes only those uploaded before the cutoff', async () => {
    const storage = await openFresh()
    const before = Date.now()
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array(3) })
    await storage.putAsset('b1', 'b'.repeat(40), { mimeType: 'image/png', data: new Uint8Array(5) })
    await storage.putAsset('b2', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array(7) })
    const listed = await storage.listAssets('b1')
    expect(listed.map(({ assetId, bytes }) => ({ assetId, bytes }))).toEqual(
      expect.arrayContaining([
        { assetId: 'a'.repeat(40), bytes: 3 },
        { assetId: 'b'.repeat(40), bytes: 5 },
      ]),
    )
    expect(listed).toHaveLength(2)
    for (const asset of listed) expect(asset.uploadedAt).toBeGreaterThanOrEqual(before)
    // A cutoff before the uploads removes nothing: they are within the grace period.
    expect(await storage.deleteAssets('b1', ['a'.repeat(40), 'b'.repeat(40)], before - 1)).toEqual({ removed: [], bytes: 0 })
    expect(await storage.deleteAssets('b1', ['a'.repeat(40), 'c'.repeat(40)], Date.now() + 1)).toEqual({ removed: ['a'.repeat(40)], bytes: 3 })
    expect(await storage.getAsset('b1', 'a'.repeat(40))).toBeNull()
    expect(await storage.getAsset('b1', 'b'.repeat(40))).not.toBeNull()
    expect(await storage.getAsset('b2', 'a'.repeat(40))).not.toBeNull()
    await storage.close()
  })

  test('uploading a stored file again renews its upload time, so pruning gives it the grace period again', async () => {
    const storage = await openFresh()
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1]) })
    const first = (await storage.listAssets('b1'))[0].uploadedAt
    await waitUntilClockPasses(first)
    await storage.putAsset('b1', 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1]) })
    const renewed = (await storage.listAssets('b1'))[0].uploadedAt
    expect(renewed).toBeGreaterThan(first)
    expect(await storage.deleteAssets('b1', ['a'.repeat(40)], renewed)).toEqual({ removed: [], bytes: 0 })
    await storage.close()
  })

  test('an update whose stored bytes changed is refused with DamagedDocumentError, never served', async () => {
    const backend = await makeBackend()
    const storage = await backend.open()
    await storage.appendUpdates('doc', [update('a'), update('b')])
    await storage.close()
    await backend.damageLastUpdate('doc')
    const reopened = await backend.open()
    await expect(reopened.loadDocument('doc')).rejects.toThrow(DamagedDocumentError)
  })

  test('loads while the log is compacted over and over see the whole document, never a half-compacted log', async () => {
    const backend = await makeBackend()
    const writer = await backend.open()
    const reader = await backend.open()
    const base = new Y.Doc()
    let committed = 0
    let done = false
    const write = (async () => {
      for (let i = 0; i < 40; i++) {
        const seq = await writer.appendUpdates('doc', [mapUpdate(base, `k${i}`, i)])
        committed = i + 1
        if (i % 5 === 4) await writer.compactDocument('doc', Y.encodeStateAsUpdate(base), seq)
      }
      done = true
    })()
    let loads = 0
    for (let round = 0; round < 10_000 && (!done || loads === 0); round++) {
      const before = committed
      const content = contentOf(await reader.loadDocument('doc'))
      for (let i = 0; i < before; i++) expect(content[`k${i}`]).toBe(i)
      loads++
      if (done) break
    }
    await write
    expect(Object.keys(contentOf(await reader.loadDocument('doc')))).toHaveLength(40)
  })

  test('a failed read rejects instead of answering an empty document', async () => {
    const storage = await openFresh()
    await storage.close()
    await expect(storage.loadDocument('doc')).rejects.toThrow(StorageError)
  })

  test('a failed write rejects with a StorageError', async () => {
    const storage = await openFresh()
    await storage.close()
    await expect(storage.appendUpdates('doc', [update('a')])).rejects.toThrow(StorageError)
  })
})

/** Only backends several servers may share (SQLite is one server per DATA_DIR: nothing to try there). */
function forEachSharedBackend(title: string, body: (kind: BackendKind) => void): void {
  for (const kind of BACKENDS.filter((candidate) => candidate.sharedByServers)) describe.skipIf(!kind.available)(`${title}: ${kind.name}`, () => body(kind))
}

forEachSharedBackend('storage contract, several servers on one database', (kind) => {
  const makeBackend = () => kind.make()
  const several = test

  several('two writers on one document from two connections: every update is stored once, in one chain that checks out', async () => {
    const backend = await makeBackend()
    const [first, second] = [await backend.open(), await backend.open()]
    const writeFrom = async (storage: Storage, name: string) => {
      const editor = new Y.Doc()
      const seqs: number[] = []
      for (let i = 0; i < 30; i++) {
        const u = mapUpdate(editor, `${name}${i}`, i)
        seqs.push(
          i % 3 === 0
            ? (
                await storage.appendUpdatesMany([
                  { docName: 'doc', updates: [u] },
                  { docName: `other.${name}`, updates: [u] },
                ])
              )[0]
            : await storage.appendUpdates('doc', [u]),
        )
      }
      return seqs
    }
    const [a, b] = await Promise.all([writeFrom(first, 'a'), writeFrom(second, 'b')])
    expect(new Set([...a, ...b]).size).toBe(60)
    const stored = await (await backend.open()).loadDocument('doc')
    expect(stored.updates).toHaveLength(60)
    expect(stored.lastSeq).toBe(Math.max(...a, ...b))
    const content = contentOf(stored)
    for (let i = 0; i < 30; i++) expect([content[`a${i}`], content[`b${i}`]]).toEqual([i, i])
  })

  several("compaction while another server writes the document keeps every update, the other server's included", async () => {
    const backend = await makeBackend()
    const [compactor, other] = [await backend.open(), await backend.open()]
    const mine = new Y.Doc()
    await compactor.appendUpdates('doc', [mapUpdate(mine, 'seed', 0)])
    await compactor.loadDocument('doc')
    const theirs = new Y.Doc()
    let otherDone = false
    const otherWrites = (async () => {
      for (let i = 0; i < 30; i++) await other.appendUpdates('doc', [mapUpdate(theirs, `theirs${i}`, i)])
      otherDone = true
    })()
    // The compactor's copy holds only its own updates, as a server without the other's fan-out would.
    for (let i = 0; i < 30 || !otherDone; i++) {
      if (i >= 1000) throw new Error('the other server did not finish writing')
      const seq = await compactor.appendUpdates('doc', [mapUpdate(mine, `mine${i}`, i)])
      if (i % 4 === 3) await compactor.compactDocument('doc', Y.encodeStateAsUpdate(mine), seq)
    }
    await otherWrites
    const content = contentOf(await (await backend.open()).loadDocument('doc'))
    for (let i = 0; i < 30; i++) expect([content[`mine${i}`], content[`theirs${i}`]]).toEqual([i, i])
  })

  several('two servers compacting one document at once leave it whole', async () => {
    const backend = await makeBackend()
    const [first, second] = [await backend.open(), await backend.open()]
    const [one, two] = [new Y.Doc(), new Y.Doc()]
    let lastOne = 0
    let lastTwo = 0
    for (let i = 0; i < 10; i++) {
      lastOne = await first.appendUpdates('doc', [mapUpdate(one, `one${i}`, i)])
      lastTwo = await second.appendUpdates('doc', [mapUpdate(two, `two${i}`, i)])
    }
    await Promise.all([first.compactDocument('doc', Y.encodeStateAsUpdate(one), lastOne), second.compactDocument('doc', Y.encodeStateAsUpdate(two), lastTwo)])
    await first.compactDocument('doc', Y.encodeStateAsUpdate(one), lastOne)
    const content = contentOf(await (await backend.open()).loadDocument('doc'))
    for (let i = 0; i < 10; i++) expect([content[`one${i}`], content[`two${i}`]]).toEqual([i, i])
  })
})

forEachBackend('storage contract, history', (kind) => {
  const notes = (key: string) => ({
    changes: [{ author: { personId: 'p1', role: 'member' as const }, action: 'added' as const, doc: 'canvas' as const, map: 'm', key }],
    markers: [],
  })
  /** A step of `editor`: the whole document (keyframe) or what it gained since `since`. */
  const step = (editor: Y.Doc, at: number, keyframe: boolean, since: Uint8Array | undefined, key: string) => ({
    docName: 'b1',
    at,
    keyframe,
    update: Y.encodeStateAsUpdate(editor, keyframe ? undefined : since),
    stateVector: Y.encodeStateVector(editor),
    notes: notes(key),
  })
  /** Writes five steps of one key each at 1000, 2000, …; a keyframe at 1000 and 3000. */
  const writeFive = async (storage: Storage) => {
    const editor = new Y.Doc()
    const sizes: number[] = []
    let since: Uint8Array | undefined
    for (let i = 1; i <= 5; i++) {
      editor.getMap('m').set(`k${i}`, i)
      const next = step(editor, i * 1000, i === 1 || i === 3, since, `k${i}`)
      await storage.appendHistoryStep('board-1', next)
      sizes.push(next.update.length)
      since = next.stateVector
    }
    return Object.assign(editor, { sizes })
  }
  const keysAt = async (storage: Storage, at: number) => contentOf({ snapshot: null, updates: await storage.readHistoryAt('b1', at) })

  test('appendHistoryStep / listHistory / historyTail: steps come back in order with their notes, the tail says where the next continues', async () => {
    const storage = await (await kind.make()).open()
    expect(await storage.historyTail('b1')).toBeNull()
    const editor = await writeFive(storage)
    await storage.appendHistoryStep('board-2', { ...step(editor, 1500, true, undefined, 'other'), docName: 'b2' })
    const listed = await storage.listHistory('board-1', 0)
    expect(listed.map((row) => [row.at, row.keyframe])).toEqual([
      [1000, true],
      [2000, false],
      [3000, true],
      [4000, false],
      [5000, false],
    ])
    expect(listed[1].notes).toEqual(notes('k2'))
    expect((await storage.listHistory('board-1', 4000)).map((row) => row.at)).toEqual([4000, 5000])
    const tail = await storage.historyTail('b1')
    expect(tail?.at).toBe(5000)
    expect(tail?.stateVector).toEqual(Y.encodeStateVector(editor))
    expect(tail?.bytesSinceKeyframe).toBe(editor.sizes[3] + editor.sizes[4])
  })

  test('readHistoryAt: the last keyframe at or before the moment and the steps after it, nothing later', async () => {
    const storage = await (await kind.make()).open()
    await writeFive(storage)
    expect(await storage.readHistoryAt('b1', 999)).toEqual([])
    expect(await keysAt(storage, 1000)).toEqual({ k1: 1 })
    expect(await keysAt(storage, 2500)).toEqual({ k1: 1, k2: 2 })
    expect((await storage.readHistoryAt('b1', 4000)).length).toBe(2)
    expect(await keysAt(storage, 4000)).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4 })
    expect(await keysAt(storage, 99_999)).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4, k5: 5 })
  })

  test('pruneHistory: deletes only what no moment from `before` on is built on; those moments read the same', async () => {
    const storage = await (await kind.make()).open()
    await writeFive(storage)
    expect(await storage.pruneHistory('board-1', 2500)).toBe(0)
    expect(await storage.pruneHistory('board-1', 3500)).toBe(2)
    expect((await storage.listHistory('board-1', 0)).map((row) => row.at)).toEqual([3000, 4000, 5000])
    expect(await keysAt(storage, 3500)).toEqual({ k1: 1, k2: 2, k3: 3 })
    expect(await keysAt(storage, 5000)).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4, k5: 5 })
  })

  test('compacting the live log leaves history as it was', async () => {
    const storage = await (await kind.make()).open()
    await writeFive(storage)
    const editor = new Y.Doc()
    const lastSeq = await storage.appendUpdates('b1', [mapUpdate(editor, 'live', 1), mapUpdate(editor, 'live', 2)])
    await storage.compactDocument('b1', Y.encodeStateAsUpdate(editor), lastSeq)
    expect((await storage.listHistory('board-1', 0)).length).toBe(5)
    expect(await keysAt(storage, 5000)).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4, k5: 5 })
  })

  test('a history step whose bytes were changed behind its back is refused as damaged, never served', async () => {
    const backend = await kind.make()
    const storage = await backend.open()
    await writeFive(storage)
    await backend.damageLastHistoryStep('b1')
    await expect(storage.readHistoryAt('b1', 5000)).rejects.toBeInstanceOf(DamagedDocumentError)
    await expect(storage.listHistory('board-1', 0)).rejects.toBeInstanceOf(DamagedDocumentError)
    await expect(storage.historyTail('b1')).rejects.toBeInstanceOf(DamagedDocumentError)
    // Moments before the damaged step are still whole.
    expect(await keysAt(storage, 4000)).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4 })
  })
})

forEachBackend('storage contract, anonymous cards', (kind) => {
  const openFresh = async () => (await kind.make()).open()

  test('a claim key hash is kept per board and card until deleted', async () => {
    const storage = await openFresh()
    await storage.putAnonymousCard('b1', 'card-1', 'hash-1')
    expect(await storage.getAnonymousCardClaimHash('b1', 'card-1')).toBe('hash-1')
    expect(await storage.getAnonymousCardClaimHash('b2', 'card-1')).toBeNull()
    expect(await storage.getAnonymousCardClaimHash('b1', 'card-2')).toBeNull()
    await storage.deleteAnonymousCard('b1', 'card-1')
    expect(await storage.getAnonymousCardClaimHash('b1', 'card-1')).toBeNull()
    await storage.close()
  })

  test('a card id is taken once: a second put for it rejects and keeps the first hash', async () => {
    const storage = await openFresh()
    await storage.putAnonymousCard('b1', 'card-1', 'hash-1')
    await expect(storage.putAnonymousCard('b1', 'card-1', 'hash-2')).rejects.toThrow(StorageError)
    expect(await storage.getAnonymousCardClaimHash('b1', 'card-1')).toBe('hash-1')
    await storage.close()
  })
})

forEachBackend('storage contract, voting', (kind) => {
  const openFresh = async () => (await kind.make()).open()

  test('rounds are stored, read back and counted per board', async () => {
    const storage = await openFresh()
    await storage.createVoteRound(round())
    await storage.createVoteRound(round({ roundId: 'r2', number: 2, anonymous: false }))
    await storage.createVoteRound(round({ boardId: 'b2' }))
    expect(await storage.getVoteRound('b1', 'r1')).toEqual(round())
    expect(await storage.getVoteRound('b1', 'r2')).toEqual(round({ roundId: 'r2', number: 2, anonymous: false }))
    expect(await storage.getVoteRound('b1', 'nope')).toBeNull()
    expect(await storage.countVoteRounds('b1')).toBe(2)
    expect(await storage.countVoteRounds('b3')).toBe(0)
    await storage.close()
  })

  test('a ballot is stored while the round is open and replaced by the same person; each person sees their own', async () => {
    const storage = await openFresh()
    await storage.createVoteRound(round())
    expect(await storage.putBallot('b1', 'r1', ballot('p1', { c1: 1 }))).toBe(true)
    expect(await storage.putBallot('b1', 'r1', ballot('p1', { c1: 2, c2: 1 }, 30))).toBe(true)
    expect(await storage.putBallot('b1', 'r1', ballot('p2', { c2: 3 }))).toBe(true)
    expect(await storage.getBallot('b1', 'r1', 'p1')).toEqual(ballot('p1', { c1: 2, c2: 1 }, 30))
    expect(await storage.getBallot('b1', 'r1', 'p3')).toBeNull()
    const all = await storage.listBallots('b1', 'r1')
    expect(all.sort((a, b) => a.personId.localeCompare(b.personId))).toEqual([ballot('p1', { c1: 2, c2: 1 }, 30), ballot('p2', { c2: 3 })])
    await storage.close()
  })

  test('closing a round returns exactly the ballots counted; a ballot after the close is refused and not stored; a second close is null', async () => {
    const storage = await openFresh()
    await storage.createVoteRound(round())
    await storage.putBallot('b1', 'r1', ballot('p1', { c1: 3 }))
    const counted = await storage.closeVoteRound('b1', 'r1', 50)
    expect(counted).toEqual([ballot('p1', { c1: 3 })])
    expect(await storage.getVoteRound('b1', 'r1')).toMatchObject({ status: 'closed', closedAt: 50 })
    expect(await storage.putBallot('b1', 'r1', ballot('p2', { c2: 3 }))).toBe(false)
    expect(await storage.putBallot('b1', 'r1', ballot('p1', { c2: 1 }))).toBe(false)
    expect(await storage.listBallots('b1', 'r1')).toEqual([ballot('p1', { c1: 3 })])
    expect(await storage.closeVoteRound('b1', 'r1', 60)).toBeNull()
    expect(await storage.getVoteRound('b1', 'r1')).toMatchObject({ closedAt: 50 })
    await storage.close()
  })

  test('a ballot for a round that does not exist is refused, and closing one is null', async () => {
    const storage = await openFresh()
    expect(await storage.putBallot('b1', 'nope', ballot('p1', { c1: 1 }))).toBe(false)
    expect(await storage.listBallots('b1', 'nope')).toEqual([])
    expect(await storage.closeVoteRound('b1', 'nope', 1)).toBeNull()
    await storage.close()
  })

  test('ballots racing a close: each is either counted in the close or refused, never stored uncounted', async () => {
    const storage = await openFresh()
    await storage.createVoteRound(round())
    const puts = Array.from({ length: 20 }, (_, i) => storage.putBallot('b1', 'r1', ballot(`p${i}`, { c1: 1 })))
    const close = storage.closeVoteRound('b1', 'r1', 99)
    const later = Array.from({ length: 20 }, (_, i) => storage.putBallot('b1', 'r1', ballot(`q${i}`, { c2: 1 })))
    const accepted = await Promise.all([...puts, ...later])
    const counted = (await close) ?? []
    const acceptedIds = [...puts, ...later].map((_, i) => (i < 20 ? `p${i}` : `q${i - 20}`)).filter((_, i) => accepted[i])
    expect(counted.map((b) => b.personId).sort()).toEqual([...acceptedIds].sort())
    expect((await storage.listBallots('b1', 'r1')).map((b) => b.personId).sort()).toEqual([...acceptedIds].sort())
    await storage.close()
  })
})

forEachBackend('storage contract, people', (kind) => {
  const makeBackend = () => kind.make()
  const openFresh = async () => (await kind.make()).open()

  test('a person is created and read back; unknown people are null', async () => {
    const storage = await openFresh()
    await storage.createPerson(person())
    expect(await storage.getPerson('b1', 'p1')).toEqual(person())
    expect(await storage.getPerson('b2', 'p1')).toBeNull()
    expect(await storage.getPerson('b1', 'p2')).toBeNull()
    await storage.close()
  })

  test('a person id is taken once per board', async () => {
    const storage = await openFresh()
    await storage.createPerson(person())
    await expect(storage.createPerson(person({ name: 'Someone else' }))).rejects.toThrow(StorageError)
    await storage.createPerson(person({ boardId: 'b2' }))
    expect(await storage.getPerson('b1', 'p1')).toEqual(person())
    await storage.close()
  })

  test('updatePerson changes only the given fields, resolves with the person as stored, and is null for unknown people', async () => {
    const backend = await makeBackend()
    const storage = await backend.open()
    await storage.createPerson(person({ practice: 'ward nurse' }))
    const updated = await storage.updatePerson('b1', 'p1', { name: 'Ada', lastSeenAt: 200 })
    expect(updated).toEqual(person({ practice: 'ward nurse', name: 'Ada', lastSeenAt: 200 }))
    expect(await storage.updatePerson('b1', 'p1', { color: '#000000' })).toEqual(
      person({ practice: 'ward nurse', name: 'Ada', lastSeenAt: 200, color: '#000000' }),
    )
    expect(await storage.updatePerson('b1', 'nobody', { name: 'X' })).toBeNull()
    expect(await storage.getPerson('b1', 'nobody')).toBeNull()
    await storage.close()
    const reopened = await backend.open()
    expect(await reopened.getPerson('b1', 'p1')).toEqual(person({ practice: 'ward nurse', name: 'Ada', lastSeenAt: 200, color: '#000000' }))
    await reopened.close()
  })

  test('listPeople lists one board in the order people were created', async () => {
    const storage = await openFresh()
    await storage.createPerson(person({ personId: 'late', createdAt: 300 }))
    await storage.createPerson(person({ personId: 'early', createdAt: 100 }))
    await storage.createPerson(person({ personId: 'other-board', boardId: 'b2' }))
    expect((await storage.listPeople('b1')).map((p) => p.personId)).toEqual(['early', 'late'])
    expect(await storage.listPeople('b3')).toEqual([])
    await storage.close()
  })
})

forEachBackend('storage contract, health', (kind) => {
  const openFresh = async () => (await kind.make()).open()

  test('a working store is healthy, and stays so when checked again', async () => {
    const storage = await openFresh()
    expect(await storage.checkHealth()).toEqual({ ok: true })
    expect(await storage.checkHealth()).toEqual({ ok: true })
    await storage.close()
  })

  test('a store that cannot be written or read is unhealthy, with a reason', async () => {
    const storage = await openFresh()
    await storage.close()
    const health = await storage.checkHealth()
    expect(health.ok).toBe(false)
    expect(health.ok ? '' : health.reason).toMatch(/\S/)
  })
})

const NEVER_ROTATED = { facilitator: { version: 0, expiresAt: null }, member: { version: 0, expiresAt: null }, observer: { version: 0, expiresAt: null } }

forEachBackend('storage contract, link versions', (kind) => {
  const openFresh = async () => (await kind.make()).open()

  test('a link never rotated is at version 0; each rotation moves only that role of that board to the next version, with its expiry', async () => {
    const storage = await openFresh()
    expect(await storage.getLinkVersions('b1')).toEqual(NEVER_ROTATED)
    expect(await storage.rotateLink('b1', 'member', 1_900_000_000)).toBe(1)
    expect(await storage.rotateLink('b1', 'member', null)).toBe(2)
    expect(await storage.rotateLink('b1', 'observer', 2_000_000_000)).toBe(1)
    expect(await storage.getLinkVersions('b1')).toEqual({
      facilitator: { version: 0, expiresAt: null },
      member: { version: 2, expiresAt: null },
      observer: { version: 1, expiresAt: 2_000_000_000 },
    })
    expect(await storage.getLinkVersions('b2')).toEqual(NEVER_ROTATED)
    await storage.close()
  })

  test('rotations racing each other each get a version of their own', async () => {
    const backend = await kind.make()
    const [first, second] = [await backend.open(), await backend.open()]
    const versions = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).rotateLink('b1', 'facilitator', null)))
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect((await first.getLinkVersions('b1')).facilitator.version).toBe(10)
  })

  test('link versions are kept across reopening the store', async () => {
    const backend = await kind.make()
    const storage = await backend.open()
    await storage.rotateLink('b1', 'observer', null)
    await storage.close()
    expect((await (await backend.open()).getLinkVersions('b1')).observer.version).toBe(1)
  })
})

forEachBackend('storage contract, deleting a board', (kind) => {
  const openFresh = async () => (await kind.make()).open()
  const textOf = (stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }) => {
    const doc = new Y.Doc()
    for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u)
    return doc.getText('t').toString()
  }

  /** A board `id` with a row in every table a board has. */
  async function fillBoard(storage: Storage, id: string): Promise<void> {
    await storage.createBoard({ id, title: `T ${id}`, problem: 'P', createdAt: 1 }, [{ docName: `${id}.control`, update: update('seed') }])
    await storage.appendUpdates(id, [update('canvas')])
    await storage.appendUpdates(`${id}.conversation`, [update('threads')])
    await storage.appendUpdates(`${id}.people`, [update('people')])
    await storage.appendUpdates(`${id}.drafts.p1`, [update('draft one'), update('draft two')])
    await storage.compactDocument(`${id}.drafts.p1`, update('draft'), (await storage.loadDocument(`${id}.drafts.p1`)).lastSeq)
    await storage.putAnonymousCard(id, 'card-1', 'hash')
    await storage.createVoteRound(round({ boardId: id }))
    await storage.putBallot(id, 'r1', ballot('p1', { c1: 1 }))
    await storage.createPerson(person({ boardId: id }))
    await storage.putAsset(id, 'a'.repeat(40), { mimeType: 'image/png', data: new Uint8Array([1]) })
    await storage.rotateLink(id, 'member', null)
    const history = new Y.Doc()
    history.getMap('m').set('card', 'history')
    await storage.appendHistoryStep(id, {
      docName: id,
      at: 1,
      keyframe: true,
      update: Y.encodeStateAsUpdate(history),
      stateVector: Y.encodeStateVector(history),
      notes: { changes: [], markers: [] },
    })
  }

  test('every row of the board goes, in every table, and boards whose ids it prefixes keep all of theirs', async () => {
    const storage = await openFresh()
    // `b_1` would match `bx1` in a LIKE pattern, and `b_1` is a prefix of `b_10`.
    for (const id of ['b_1', 'bx1', 'b_10']) await fillBoard(storage, id)
    expect(await storage.deleteBoard('b_1')).toBe(true)
    expect(await storage.getBoard('b_1')).toBeNull()
    expect((await storage.listDocumentNames('b_1')).filter((name) => name === 'b_1' || name.startsWith('b_1.'))).toEqual([])
    expect(await storage.getAnonymousCardClaimHash('b_1', 'card-1')).toBeNull()
    expect(await storage.getVoteRound('b_1', 'r1')).toBeNull()
    expect(await storage.listBallots('b_1', 'r1')).toEqual([])
    expect(await storage.listPeople('b_1')).toEqual([])
    expect(await storage.getAsset('b_1', 'a'.repeat(40))).toBeNull()
    expect(await storage.getLinkVersions('b_1')).toEqual(NEVER_ROTATED)
    expect(await storage.listHistory('b_1', 0)).toEqual([])
    expect(await storage.historyTail('b_1')).toBeNull()
    // A document of the deleted board reads as never stored (empty, not damaged).
    expect(await storage.loadDocument('b_1.drafts.p1')).toEqual({ snapshot: null, updates: [], lastSeq: 0 })
    for (const id of ['bx1', 'b_10']) {
      expect(await storage.getBoard(id)).not.toBeNull()
      expect((await storage.listDocumentNames(id)).filter((name) => name === id || name.startsWith(`${id}.`)).sort()).toEqual(
        [id, `${id}.control`, `${id}.conversation`, `${id}.drafts.p1`, `${id}.people`].sort(),
      )
      expect(textOf(await storage.loadDocument(`${id}.drafts.p1`))).toBe('draft')
      expect(await storage.listPeople(id)).toHaveLength(1)
      expect(await storage.listBallots(id, 'r1')).toHaveLength(1)
      expect(await storage.getAsset(id, 'a'.repeat(40))).not.toBeNull()
      expect((await storage.getLinkVersions(id)).member.version).toBe(1)
      expect(await storage.listHistory(id, 0)).toHaveLength(1)
    }
    await storage.close()
  })

  test('deleting a board that is gone says so and is no error; a board made again under the id starts empty', async () => {
    const storage = await openFresh()
    await fillBoard(storage, 'b1')
    expect(await storage.deleteBoard('b1')).toBe(true)
    expect(await storage.deleteBoard('b1')).toBe(false)
    await storage.createBoard({ id: 'b1', title: 'again', problem: 'P', createdAt: 2 }, [{ docName: 'b1.control', update: update('new') }])
    expect(textOf(await storage.loadDocument('b1.control'))).toBe('new')
    expect(await storage.listPeople('b1')).toEqual([])
    await storage.close()
  })
})
