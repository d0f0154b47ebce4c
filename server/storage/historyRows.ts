/**
 * A history step's row as every backend stores and reads it, and the one check that decides
 * whether it may be served: its checksum over the document, time, kind, bytes, state vector and
 * notes (rowChecksum.ts), bytes and notes that inflate, and notes that parse as StoredStepNotes.
 * A row that fails any of these is a DamagedDocumentError, never served. The update and the notes
 * are stored deflated (node:zlib): notes repeat the same authors and map names, and updates the
 * same record fields, so history takes a fraction of the room (see BENCHMARKS.md).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { StoredStepNotes } from '../../shared/api/history'
import { historyStepChecksum } from './rowChecksum'
import { DamagedDocumentError, type HistoryStep, type HistoryStepSummary, type HistoryTail } from './storage'

export interface HistoryRow {
  doc: string
  at: number
  keyframe: boolean
  data: Uint8Array
  state_vector: Uint8Array
  notes: string
  bytes_since_keyframe: number
  checksum: number
}

/** The columns a backend writes for a step, given the bytes stored since the last keyframe before it. */
export function historyRowOf(step: HistoryStep, bytesBefore: number): HistoryRow {
  const notes = deflateRawSync(JSON.stringify(step.notes)).toString('base64')
  const data = new Uint8Array(deflateRawSync(step.update))
  return {
    doc: step.docName,
    at: step.at,
    keyframe: step.keyframe,
    data,
    state_vector: step.stateVector,
    notes,
    bytes_since_keyframe: step.keyframe ? 0 : bytesBefore + step.update.length,
    checksum: historyStepChecksum(step.docName, step.at, step.keyframe, data, step.stateVector, notes),
  }
}

/** Throws unless the row matches its checksum; returns its notes, parsed. */
export function checkHistoryRow(row: HistoryRow): StoredStepNotes {
  const damaged = (problem: string) => new DamagedDocumentError(row.doc, `its history step at ${row.at} ${problem}`)
  if (row.checksum !== historyStepChecksum(row.doc, Number(row.at), row.keyframe, row.data, row.state_vector, row.notes))
    throw damaged('does not match its checksum')
  let json: unknown
  try {
    json = JSON.parse(inflateRawSync(Buffer.from(row.notes, 'base64')).toString('utf8'))
  } catch {
    throw damaged('has notes that do not inflate to JSON')
  }
  const notes = StoredStepNotes.safeParse(json)
  if (!notes.success) throw damaged('has notes that do not parse')
  return notes.data
}

export function summaryOf(row: HistoryRow): HistoryStepSummary {
  return { docName: row.doc, at: Number(row.at), keyframe: row.keyframe, bytes: row.data.length, notes: checkHistoryRow(row) }
}

export function tailOf(row: HistoryRow): HistoryTail {
  checkHistoryRow(row)
  return { at: Number(row.at), stateVector: new Uint8Array(row.state_vector), bytesSinceKeyframe: Number(row.bytes_since_keyframe) }
}

/** The updates of rows read for a moment: the first must be a keyframe. */
export function updatesOf(docName: string, rows: HistoryRow[]): Uint8Array[] {
  if (rows.length > 0 && !rows[0].keyframe) throw new DamagedDocumentError(docName, 'its history continues from a keyframe that is missing')
  return rows.map((row) => {
    checkHistoryRow(row)
    try {
      return new Uint8Array(inflateRawSync(row.data))
    } catch {
      throw new DamagedDocumentError(docName, `its history step at ${row.at} holds bytes that do not inflate`)
    }
  })
}
