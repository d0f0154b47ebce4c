/**
 * PostgreSQL schema versions: a database at migration 1 holding boards and documents is upgraded
 * on start (prev_seq chains and checksums computed for the rows already there, heads recorded)
 * and reads back exactly; servers starting at once on an empty schema migrate it once, taking
 * turns under the advisory lock; a schema from a newer release is refused. Skipped, and said so,
 * only where PostgreSQL is absent outside CI.
 */
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { readMigrations } from '../../server/storage/migrations'
import { POSTGRES_SCHEMA_VERSION } from '../../server/storage/postgresSchema'
import { PostgresStorage } from '../../server/storage/postgresStorage'
import { StorageError, type Storage } from '../../server/storage/storage'
import { createTestSchema, findPostgres, type TestSchema } from '../helpers/pgSchema'

const schemas: TestSchema[] = []
const opened: Storage[] = []
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close()
  for (const schema of schemas.splice(0)) await schema.drop()
})

async function schema(): Promise<TestSchema> {
  const made = await createTestSchema()
  schemas.push(made)
  return made
}

async function open(url: string): Promise<PostgresStorage> {
  const storage = await PostgresStorage.open(url)
  opened.push(storage)
  return storage
}

function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let captured: Uint8Array | null = null
  const capture = (u: Uint8Array) => (captured = u)
  doc.on('update', capture)
  doc.getText('t').insert(doc.getText('t').length, text)
  doc.off('update', capture)
  return captured!
}

const postgresAvailable = await findPostgres()

describe.skipIf(!postgresAvailable)('PostgreSQL migrations', () => {
  test('a database at migration 1 with boards and documents is upgraded on start and reads back exactly', async () => {
    const s = await schema()
    const [initial] = readMigrations('postgres')
    await s.query(initial.sql)
    await s.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())')
    await s.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial')")
    await s.query("INSERT INTO boards VALUES ('b1', 'Title', 'Problem', 5)")
    const plain = new Y.Doc()
    const plainUpdates = ['one ', 'two ', 'three'].map((text) => textUpdate(plain, text))
    for (const u of plainUpdates) await s.query("INSERT INTO document_updates (doc, data) VALUES ('b1.canvas', $1)", [Buffer.from(u)])
    // A compacted document: a snapshot through an earlier sequence number, and updates after it.
    const compacted = new Y.Doc()
    textUpdate(compacted, 'compacted ')
    const snapshot = Y.encodeStateAsUpdate(compacted)
    const [{ seq: through }] = await s.query<{ seq: number }>("SELECT nextval('document_updates_seq')::int AS seq")
    await s.query("INSERT INTO document_snapshots VALUES ('b1.control', $1, $2, 7)", [Buffer.from(snapshot), through])
    const after = textUpdate(compacted, 'and after')
    await s.query("INSERT INTO document_updates (doc, data) VALUES ('b1.control', $1)", [Buffer.from(after)])

    const storage = await open(s.url)
    expect((await s.query('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version)).toEqual(
      readMigrations('postgres').map((migration) => migration.version),
    )
    expect(POSTGRES_SCHEMA_VERSION).toBe(readMigrations('postgres').length)
    expect(await storage.getBoard('b1')).toEqual({ id: 'b1', title: 'Title', problem: 'Problem', createdAt: 5 })
    const canvas = await storage.loadDocument('b1.canvas')
    expect(canvas.updates).toEqual(plainUpdates)
    const control = await storage.loadDocument('b1.control')
    expect(control.snapshot).toEqual(snapshot)
    expect(control.updates).toEqual([after])
    // New updates continue each document's chain from where the old rows left it.
    const next = await storage.appendUpdates('b1.canvas', [textUpdate(plain, '!')])
    expect(next).toBeGreaterThan(canvas.lastSeq)
    const reread = new Y.Doc()
    for (const u of (await storage.loadDocument('b1.canvas')).updates) Y.applyUpdate(reread, u)
    expect(reread.getText('t').toString()).toBe('one two three!')
    expect(await storage.listDocumentNames('b1.')).toHaveLength(2)
  })

  test('servers starting at once on an empty schema migrate it once, taking turns', async () => {
    const s = await schema()
    const storages = await Promise.all(Array.from({ length: 4 }, () => open(s.url)))
    expect((await s.query('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version)).toEqual(
      readMigrations('postgres').map((migration) => migration.version),
    )
    await Promise.all(storages.map((storage, i) => storage.appendUpdates('doc', [new Uint8Array([i])])))
    expect((await storages[0].loadDocument('doc')).updates).toHaveLength(4)
  })

  test('a schema from a newer release is refused, not misread', async () => {
    const s = await schema()
    await (await PostgresStorage.open(s.url)).close()
    await s.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from-the-future')")
    await expect(PostgresStorage.open(s.url)).rejects.toThrow(StorageError)
    await expect(PostgresStorage.open(s.url)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' })
  })
})
