/**
 * "What's new" bookkeeping (client/conversation/lastSeen.ts): what counts as unseen, marking one
 * or all as seen, compaction on leaving that never loses an unseen change, and storage that
 * survives junk.
 */
import { describe, expect, test } from 'vitest'
import type { ChangeItem } from '../../shared/board/whatsNew'
import {
  MAX_SEEN_KEYS,
  compactLastSeen,
  firstVisitRecord,
  lastSeenStorageKey,
  loadLastSeen,
  markAllSeen,
  markSeen,
  saveLastSeen,
  unseenChanges,
  type LastSeenRecord,
} from '../../client/conversation/lastSeen'

function item(key: string, at: number): ChangeItem {
  return { key, kind: 'card', targetId: key.split('@')[0], change: 'added', at, by: null, text: '', yours: false }
}

function memoryStorage(): Storage {
  const values = new Map<string, string>()
  return {
    get length() {
      return values.size
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: (index) => [...values.keys()][index] ?? null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => void values.set(key, value),
  }
}

describe('last seen', () => {
  test('a first visit starts now, so nothing already on the board is new', () => {
    const record = firstVisitRecord(1000)
    expect(unseenChanges([item('card:a@900', 900)], record)).toEqual([])
  })

  test('changes after seenAt are unseen until marked, one by one', () => {
    const items = [item('card:a@10', 10), item('card:b@20', 20)]
    let record: LastSeenRecord = { seenAt: 5, seenKeys: [] }
    expect(unseenChanges(items, record).map((i) => i.key)).toEqual(['card:a@10', 'card:b@20'])
    record = markSeen(record, ['card:a@10'])
    expect(unseenChanges(items, record).map((i) => i.key)).toEqual(['card:b@20'])
    expect(markSeen(record, ['card:a@10'])).toBe(record)
  })

  test('a card changed again is new again (its key names the version)', () => {
    const record = markSeen({ seenAt: 5, seenKeys: [] }, ['card:a@10'])
    expect(unseenChanges([item('card:a@30', 30)], record).map((i) => i.key)).toEqual(['card:a@30'])
  })

  test('mark all as seen moves past everything, even changes stamped by a clock that runs ahead', () => {
    const record = markAllSeen([item('card:a@10', 10), item('card:b@5000', 5000)], 1000)
    expect(record).toEqual({ seenAt: 5000, seenKeys: [] })
  })

  test('leaving compacts to just before the oldest unseen change and keeps every unseen change', () => {
    const items = [item('card:a@10', 10), item('card:b@20', 20), item('card:c@30', 30), item('card:d@40', 40)]
    const record = markSeen({ seenAt: 5, seenKeys: [] }, ['card:a@10', 'card:c@30'])
    const compacted = compactLastSeen(record, items, 100)
    expect(compacted).toEqual({ seenAt: 19, seenKeys: ['card:c@30'] })
    expect(
      unseenChanges(
        items.filter((i) => i.at > compacted.seenAt),
        compacted,
      ).map((i) => i.key),
    ).toEqual(['card:b@20', 'card:d@40'])
  })

  test('leaving with nothing unseen moves seenAt up to when the tab last held every change', () => {
    const items = [item('card:a@10', 10)]
    expect(compactLastSeen(markSeen({ seenAt: 5, seenKeys: [] }, ['card:a@10']), items, 100)).toEqual({ seenAt: 100, seenKeys: [] })
  })

  test('leaving before the first sync, or after working offline, loses nothing that has not arrived yet', () => {
    const record = markSeen({ seenAt: 5, seenKeys: [] }, ['card:a@10'])
    const neverSynced = compactLastSeen(record, [item('card:a@10', 10)], Number.NEGATIVE_INFINITY)
    expect(neverSynced).toEqual(record)
    // Synced until 15, then offline: a change stamped 20 may still arrive and must stay new.
    const offline = compactLastSeen(record, [item('card:a@10', 10)], 15)
    expect(offline).toEqual({ seenAt: 15, seenKeys: [] })
    expect(unseenChanges([item('card:late@20', 20)], offline).map((i) => i.key)).toEqual(['card:late@20'])
  })

  test('leaving before the board’s documents loaded (no changes known yet) keeps what was seen', () => {
    const record = markSeen({ seenAt: 5, seenKeys: [] }, ['card:a@10', 'reply:r@12'])
    // The tab never synced in that moment, so nothing is known to be complete: the record stays as it was.
    expect(compactLastSeen(record, [], Number.NEGATIVE_INFINITY)).toEqual(record)
    // Synced until 11: what was seen after that is still remembered.
    expect(compactLastSeen(record, [], 11)).toEqual({ seenAt: 11, seenKeys: ['reply:r@12'] })
  })

  test('the record survives a reload, per board', () => {
    const storage = memoryStorage()
    saveLastSeen(storage, 'board-a', { seenAt: 42, seenKeys: ['card:x@50'] })
    expect(loadLastSeen(storage, 'board-a')).toEqual({ seenAt: 42, seenKeys: ['card:x@50'] })
    expect(loadLastSeen(storage, 'board-b')).toBeNull()
    expect(lastSeenStorageKey('board-a')).toBe('think-together:last-seen:board-a')
  })

  test('junk in storage reads as a first visit; junk keys are dropped; keys are capped', () => {
    const storage = memoryStorage()
    storage.setItem(lastSeenStorageKey('b'), '{not json')
    expect(loadLastSeen(storage, 'b')).toBeNull()
    storage.setItem(lastSeenStorageKey('b'), JSON.stringify({ seenAt: 'yesterday' }))
    expect(loadLastSeen(storage, 'b')).toBeNull()
    storage.setItem(lastSeenStorageKey('b'), JSON.stringify({ seenAt: 1, seenKeys: ['k', 3, null] }))
    expect(loadLastSeen(storage, 'b')).toEqual({ seenAt: 1, seenKeys: ['k'] })
    const many = markSeen(
      { seenAt: 0, seenKeys: [] },
      Array.from({ length: MAX_SEEN_KEYS + 10 }, (_, i) => `k${i}`),
    )
    expect(many.seenKeys).toHaveLength(MAX_SEEN_KEYS)
    expect(many.seenKeys[0]).toBe('k10')
  })

  test('a storage that throws is not fatal', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('full')
      },
    }
    expect(loadLastSeen(broken, 'b')).toBeNull()
    expect(() => saveLastSeen(broken, 'b', { seenAt: 1, seenKeys: [] })).not.toThrow()
  })
})
