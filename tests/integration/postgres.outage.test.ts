/**
 * PostgreSQL going away and coming back, through a TCP proxy of the test's own between the
 * storage and the shared PostgreSQL (which is never stopped): while it is cut, every operation
 * fails with a StorageError (a load never answers an empty document) and the health check says
 * why; once it is restored, the pool's new connections serve again without a restart, and
 * nothing committed before is missing. A network that silently stops carrying packets fails
 * operations after the query timeout instead of holding them. Skipped, and said so, only where PostgreSQL is absent
 * outside CI.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { PostgresStorage } from '../../server/storage/postgresStorage'
import { StorageError, type Storage } from '../../server/storage/storage'
import { createTestSchema, findPostgres, TEST_DATABASE_URL, type TestSchema } from '../helpers/pgSchema'
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const postgresAvailable = await findPostgres()

async function throughProxy(options: { queryTimeoutMs?: number } = {}): Promise<{ schema: TestSchema; proxy: TcpProxy; storage: Storage }> {
  const schema = await createTestSchema()
  cleanups.push(() => schema.drop())
  const target = new URL(TEST_DATABASE_URL)
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  cleanups.push(() => proxy.close())
  const storage = await PostgresStorage.open(schema.urlVia(proxy.port, '127.0.0.1'), { connectionTimeoutMs: 1000, ...options })
  cleanups.push(() => storage.close())
  return { schema, proxy, storage }
}

/** Tries `attempt` until it resolves, at most `tries` times; resolves with its answer. */
async function eventually<T>(attempt: () => Promise<T>, accept: (value: T) => boolean, tries = 200): Promise<T> {
  let last: unknown = null
  for (let i = 0; i < tries; i++) {
    try {
      const value = await attempt()
      if (accept(value)) return value
      last = value
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no acceptable answer after ${tries} tries; last: ${String(last instanceof Error ? last.message : JSON.stringify(last))}`)
}

describe.skipIf(!postgresAvailable)('PostgreSQL unreachable, then back', () => {
  test('while cut, writes and loads reject with StorageError and the store is unhealthy; once restored, it serves again by itself', async () => {
    const { proxy, storage } = await throughProxy()
    const before = await storage.appendUpdates('doc', [new Uint8Array([1])])
    expect(await storage.checkHealth()).toEqual({ ok: true })

    proxy.cut()
    await expect(storage.appendUpdates('doc', [new Uint8Array([2])])).rejects.toThrow(StorageError)
    await expect(storage.appendUpdatesMany([{ docName: 'doc', updates: [new Uint8Array([3])] }])).rejects.toThrow(StorageError)
    await expect(storage.loadDocument('doc')).rejects.toThrow(StorageError)
    await expect(storage.getBoard('b1')).rejects.toThrow(StorageError)
    const health = await storage.checkHealth()
    expect(health.ok).toBe(false)
    expect(health.ok ? '' : health.reason).toMatch(/cannot be written or read/)

    proxy.restore()
    await eventually(
      () => storage.checkHealth(),
      (answer) => answer.ok,
    )
    const after = await storage.appendUpdates('doc', [new Uint8Array([4])])
    expect(after).toBeGreaterThan(before)
    const stored = await storage.loadDocument('doc')
    // What was refused while cut was not stored; what was committed before is there.
    expect(stored.updates).toEqual([new Uint8Array([1]), new Uint8Array([4])])
  })

  test('a network that silently drops everything: operations fail after the query timeout, and work again once it carries packets', async () => {
    const { proxy, storage } = await throughProxy({ queryTimeoutMs: 500 })
    await storage.appendUpdates('doc', [new Uint8Array([1])])
    proxy.freeze()
    const started = Date.now()
    await expect(storage.appendUpdates('doc', [new Uint8Array([2])])).rejects.toThrow(StorageError)
    await expect(storage.loadDocument('doc')).rejects.toThrow(StorageError)
    expect((await storage.checkHealth()).ok).toBe(false)
    expect(Date.now() - started).toBeLessThan(10_000)
    proxy.restore()
    await eventually(
      () => storage.checkHealth(),
      (answer) => answer.ok,
    )
    await storage.appendUpdates('doc', [new Uint8Array([3])])
    expect((await storage.loadDocument('doc')).updates).toEqual([new Uint8Array([1]), new Uint8Array([3])])
  })

  test('a connection cut in the middle of a transaction leaves nothing half-written', async () => {
    const { proxy, storage } = await throughProxy()
    await storage.appendUpdates('doc', [new Uint8Array([1])])
    // Five writers append batches to two documents; the cut comes while some are in flight.
    const outcomes: boolean[] = []
    let succeeded = 0
    let cutDone: () => void = () => undefined
    const cutWhenBusy = new Promise<void>((resolve) => (cutDone = resolve))
    const writer = async (w: number) => {
      for (let j = 0; j < 10; j++) {
        const i = w * 10 + j
        outcomes[i] = await storage
          .appendUpdatesMany([
            { docName: 'doc', updates: [new Uint8Array([10, i])] },
            { docName: 'other', updates: [new Uint8Array([20, i])] },
          ])
          .then(
            () => true,
            (error: unknown) => {
              expect(error).toBeInstanceOf(StorageError)
              return false
            },
          )
        if (outcomes[i] && ++succeeded === 10) {
          proxy.cut()
          cutDone()
        }
      }
    }
    await Promise.all([0, 1, 2, 3, 4].map(writer))
    await cutWhenBusy
    expect(outcomes.filter((stored) => !stored).length).toBeGreaterThan(0)
    proxy.restore()
    const doc = await eventually(
      () => storage.loadDocument('doc'),
      () => true,
    )
    const other = await storage.loadDocument('other')
    // Each batch is in both documents or in neither, whatever its promise said when the cut hit a
    // COMMIT in flight (a batch may be stored although its caller saw a failure, never half of one).
    const batchesIn = (updates: Uint8Array[], tag: number) => updates.filter((u) => u[0] === tag).map((u) => u[1])
    expect(batchesIn(doc.updates, 10)).toEqual(batchesIn(other.updates, 20))
    for (const [i, stored] of outcomes.entries()) if (stored) expect(batchesIn(doc.updates, 10)).toContain(i)
  })
})
