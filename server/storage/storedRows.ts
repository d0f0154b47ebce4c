/**
 * A stored document's rows as every backend reads them, and the one check that decides whether
 * they may be served: the snapshot's and every update's checksum (rowChecksum.ts), the chain of
 * updates from the snapshot (or from nothing) to the last one, and that a document listed as
 * stored has rows and a document with rows is listed. A failure is a DamagedDocumentError: a
 * damaged board is refused, never served empty or half.
 */
import { snapshotChecksum, updateChecksum } from './rowChecksum'
import { DamagedDocumentError, type StoredDocument } from './storage'

export interface UpdateRow {
  seq: number
  prev_seq: number | null
  data: Uint8Array
  checksum: number | null
}

export interface SnapshotRow {
  data: Uint8Array
  through_seq: number
  checksum: number | null
}

/** Throws unless the snapshot row matches its checksum. */
export function checkSnapshotRow(docName: string, snapshot: SnapshotRow): void {
  if (snapshot.checksum !== snapshotChecksum(docName, snapshot.through_seq, snapshot.data)) {
    throw new DamagedDocumentError(docName, `its snapshot (through update ${snapshot.through_seq}) does not match its checksum`)
  }
}

/** Throws unless the update row matches its checksum. */
export function checkUpdateRow(docName: string, row: UpdateRow): void {
  if (row.prev_seq === null || row.checksum !== updateChecksum(docName, row.seq, row.prev_seq, row.data)) {
    throw new DamagedDocumentError(docName, `update ${row.seq} does not match its checksum`)
  }
}

/** Checks a document's rows (the snapshot and the updates after it, in order) and returns it as stored. */
export function verifyDocument(
  docName: string,
  registered: boolean,
  snapshot: SnapshotRow | null,
  rows: UpdateRow[],
): StoredDocument & { snapshotThrough: number } {
  const damaged = (problem: string) => new DamagedDocumentError(docName, problem)
  const throughSeq = snapshot?.through_seq ?? 0
  if (snapshot) checkSnapshotRow(docName, snapshot)
  let previous: UpdateRow | null = null
  for (const row of rows) {
    checkUpdateRow(docName, row)
    if (previous && row.prev_seq !== previous.seq) {
      throw damaged(`update ${row.seq} follows update ${row.prev_seq}, but the update stored before it is ${previous.seq}: updates are missing or out of place`)
    }
    if (!previous && !snapshot && row.prev_seq !== 0) {
      throw damaged(`its log continues from update ${row.prev_seq}, but the snapshot it builds on is missing`)
    }
    if (!previous && snapshot && (row.prev_seq ?? 0) > throughSeq) {
      throw damaged(`update ${row.seq} follows update ${row.prev_seq}, which is neither stored nor covered by the snapshot (through ${throughSeq})`)
    }
    previous = row
  }
  if (registered && !snapshot && rows.length === 0) {
    throw damaged('it was stored before, but neither its snapshot nor any of its updates is there')
  }
  if (!registered && (snapshot || rows.length > 0)) {
    throw damaged('it has stored rows but is missing from the list of stored documents')
  }
  return {
    snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
    updates: rows.map((row) => new Uint8Array(row.data)),
    lastSeq: previous ? previous.seq : throughSeq,
    snapshotThrough: throughSeq,
  }
}
