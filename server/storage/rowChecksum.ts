/**
 * The checksums every backend stores with each document row and verifies when it loads one:
 * CRC-32 (node:zlib, a few nanoseconds for a typical update) over the row's identity and bytes.
 *
 * Why the identity is inside and not only the bytes: a checksum of the bytes alone passes a row
 * whose bytes are intact but that sits in the wrong place, moved to another document or
 * renumbered so that it falls before its snapshot or after a later update. Hashing the document
 * name, the row's sequence number and the update it follows (a snapshot: the sequence number it
 * covers) with the bytes makes every one of those a mismatch, for the price of a few more bytes.
 * CRC-32 guards against damage, not against someone who can write the file: they could
 * recompute it.
 *
 * @example
 *   const checksum = updateChecksum('board.control', 42, 41, update)
 */
import { crc32 } from 'node:zlib'

export function updateChecksum(docName: string, seq: number, prevSeq: number, data: Uint8Array): number {
  return crc32(data, crc32(`update\0${docName}\0${seq}\0${prevSeq}\0`))
}

export function snapshotChecksum(docName: string, throughSeq: number, data: Uint8Array): number {
  return crc32(data, crc32(`snapshot\0${docName}\0${throughSeq}\0`))
}

export function historyStepChecksum(docName: string, at: number, keyframe: boolean, data: Uint8Array, stateVector: Uint8Array, notes: string): number {
  return crc32(notes, crc32(stateVector, crc32(data, crc32(`history\0${docName}\0${at}\0${keyframe ? 1 : 0}\0`))))
}
