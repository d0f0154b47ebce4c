/**
 * Reads a board document straight from the server's SQLite file (snapshot, if any, plus the
 * updates logged after it), the way the server loads it, and checks that updates a client
 * received are contained in it. Used to prove "stored before relayed" from outside the server.
 *
 * @example
 *   const stored = readStoredDocument(dataDir, boardId)
 *   expect(updatesMissingFrom(stored, witness.received)).toEqual([])
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import * as Y from 'yjs'

export function databasePath(dataDir: string): string {
  return join(dataDir, 'think-together.sqlite')
}

/** The stored document; read-only, so a crashed server's WAL is left for the server to recover. */
export function readStoredDocument(dataDir: string, boardId: string): Y.Doc {
  const db = new Database(databasePath(dataDir), { readonly: true })
  try {
    const doc = new Y.Doc()
    db.transaction(() => {
      const snapshot = db.prepare('SELECT data, through_seq FROM document_snapshots WHERE doc = ?').get(boardId) as
        | { data: Buffer; through_seq: number }
        | undefined
      const rows = db.prepare('SELECT data FROM document_updates WHERE doc = ? AND seq > ? ORDER BY seq').all(boardId, snapshot?.through_seq ?? 0) as Array<{
        data: Buffer
      }>
      doc.transact(() => {
        if (snapshot) Y.applyUpdate(doc, new Uint8Array(snapshot.data))
        for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.data))
      })
    })()
    return doc
  } finally {
    db.close()
  }
}

/**
 * The received updates that add anything (structs or deletions) to `stored`. Empty when every
 * one is contained. `stored` is not modified.
 */
export function updatesMissingFrom(stored: Y.Doc, received: Uint8Array[]): Array<{ index: number; why: string }> {
  const storedClock = Y.decodeStateVector(Y.encodeStateVector(stored))
  const probe = new Y.Doc()
  Y.applyUpdate(probe, Y.encodeStateAsUpdate(stored))
  const missing: Array<{ index: number; why: string }> = []
  received.forEach((update, index) => {
    // parseUpdateMeta, not encodeStateVectorFromUpdate: the latter ignores updates not starting at clock 0.
    for (const [client, clock] of Y.parseUpdateMeta(update).to) {
      if ((storedClock.get(client) ?? 0) < clock) {
        missing.push({ index, why: `client ${client} up to clock ${clock}, stored only ${storedClock.get(client) ?? 0}` })
        return
      }
    }
    let changed = false
    const onUpdate = () => (changed = true)
    probe.on('update', onUpdate)
    Y.applyUpdate(probe, update)
    probe.off('update', onUpdate)
    if (changed) missing.push({ index, why: 'deletions not stored' })
  })
  probe.destroy()
  return missing
}

/** JSON with object keys sorted: Y.Map key order depends on the order updates arrived in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  )
}

/**
 * Null when two documents hold the same content (the named root types) and the same history
 * (state vector and delete set); otherwise what differs first.
 */
export function describeDifference(a: Y.Doc, b: Y.Doc, typeNames: { maps?: string[]; arrays?: string[]; texts?: string[] }): string | null {
  const contents: Array<[string, (doc: Y.Doc) => unknown]> = [
    ...(typeNames.maps ?? []).map((name): [string, (doc: Y.Doc) => unknown] => [`map "${name}"`, (doc) => doc.getMap(name).toJSON()]),
    ...(typeNames.arrays ?? []).map((name): [string, (doc: Y.Doc) => unknown] => [`array "${name}"`, (doc) => doc.getArray(name).toJSON()]),
    ...(typeNames.texts ?? []).map((name): [string, (doc: Y.Doc) => unknown] => [`text "${name}"`, (doc) => doc.getText(name).toDelta()]),
  ]
  for (const [what, read] of contents) {
    const left = canonicalJson(read(a))
    const right = canonicalJson(read(b))
    if (left !== right) return `${what} differs: ${left.slice(0, 300)} vs ${right.slice(0, 300)}`
  }
  if (!Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))) {
    const clocks = (doc: Y.Doc) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))])
    return `state (state vector or deletions) differs: ${clocks(a)} vs ${clocks(b)}`
  }
  return null
}
