/**
 * "What's new since your last visit" bookkeeping, per board and per browser, in localStorage:
 * a moment (`seenAt`) before which everything counts as seen, plus the keys of later changes the
 * person has already looked at one by one (see shared/board/whatsNew.ts for the keys; a key names
 * one version of an item, so a card changed again is new again).
 *
 * When it advances:
 * - "Mark all as seen" moves `seenAt` to now.
 * - Walking through the list marks each item shown as seen (its key is kept).
 * - On leaving the board, the record is compacted: `seenAt` moves up to just before the oldest
 *   change still unseen, but never past the moment up to which this tab is known to hold every
 *   change (it was last synced with the server then, less a margin for clocks), and keys at or
 *   before it are dropped. So nothing unseen is lost: not on a reload, not when leaving before
 *   the first sync, not after working offline.
 * - A first visit starts now: the whole board is not "new" to someone who has never seen it.
 */
import type { ChangeItem } from '../../shared/board/whatsNew'

export interface LastSeenRecord {
  readonly seenAt: number
  readonly seenKeys: readonly string[]
}

/** More keys than this means the person never compacts; the oldest go first. */
export const MAX_SEEN_KEYS = 5000

export function lastSeenStorageKey(boardId: string): string {
  return `think-together:last-seen:${boardId}`
}

/** Reads the record; null when there is none or it cannot be read (a first visit, then). */
export function loadLastSeen(storage: Pick<Storage, 'getItem'> | null, boardId: string): LastSeenRecord | null {
  let raw: string | null = null
  try {
    raw = storage?.getItem(lastSeenStorageKey(boardId)) ?? null
  } catch {
    return null
  }
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as { seenAt?: unknown; seenKeys?: unknown }
    if (typeof value.seenAt !== 'number' || !Number.isFinite(value.seenAt)) return null
    const seenKeys = Array.isArray(value.seenKeys) ? value.seenKeys.filter((key): key is string => typeof key === 'string') : []
    return { seenAt: value.seenAt, seenKeys: seenKeys.slice(-MAX_SEEN_KEYS) }
  } catch {
    return null
  }
}

export function saveLastSeen(storage: Pick<Storage, 'setItem'> | null, boardId: string, record: LastSeenRecord): void {
  try {
    storage?.setItem(lastSeenStorageKey(boardId), JSON.stringify(record))
  } catch {
    // A full or disabled storage only means the next visit shows more as new.
  }
}

export function firstVisitRecord(now: number): LastSeenRecord {
  return { seenAt: now, seenKeys: [] }
}

/** The changes (already limited to after `seenAt` by changesSince) not yet looked at. */
export function unseenChanges(items: readonly ChangeItem[], record: LastSeenRecord): ChangeItem[] {
  const seen = new Set(record.seenKeys)
  return items.filter((item) => item.at > record.seenAt && !seen.has(item.key))
}

export function markSeen(record: LastSeenRecord, keys: Iterable<string>): LastSeenRecord {
  const seen = new Set(record.seenKeys)
  let changed = false
  for (const key of keys) {
    if (seen.has(key)) continue
    seen.add(key)
    changed = true
  }
  return changed ? { seenAt: record.seenAt, seenKeys: [...seen].slice(-MAX_SEEN_KEYS) } : record
}

/** Everything up to now, and anything stamped later by a clock that runs ahead, is seen. */
export function markAllSeen(items: readonly ChangeItem[], now: number): LastSeenRecord {
  const latest = items.reduce((max, item) => Math.max(max, item.at), 0)
  return { seenAt: Math.max(now, latest), seenKeys: [] }
}

/**
 * The smallest record that keeps every unseen change unseen (see the module comment).
 * `completeUntil`: every change stamped up to then is in `items`.
 */
export function compactLastSeen(record: LastSeenRecord, items: readonly ChangeItem[], completeUntil: number): LastSeenRecord {
  const unseen = unseenChanges(items, record)
  const oldestUnseen = unseen.reduce((min, item) => Math.min(min, item.at), Infinity)
  const seenAt = Math.max(record.seenAt, Math.min(completeUntil, oldestUnseen - 1))
  // A seen key stays until seenAt passes its moment (a key ends in "@<at>"), whether or not its
  // change is among `items`: a board left before its documents loaded knows none of them yet.
  const seenKeys = record.seenKeys.filter((key) => keyMoment(key) > seenAt)
  return { seenAt, seenKeys }
}

/** The moment a change key names ("<id>@<at>"); a key without one is kept (Infinity). */
function keyMoment(key: string): number {
  const at = Number(key.slice(key.lastIndexOf('@') + 1))
  return key.includes('@') && Number.isFinite(at) ? at : Number.POSITIVE_INFINITY
}
