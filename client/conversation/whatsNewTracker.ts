/**
 * What's new for this person on this board, live: the changes others made since they last looked
 * (shared/board/whatsNew.ts, computed from the conversation index), minus those already looked at (lastSeen.ts). It highlights the
 * unseen ones on the canvas (client/state/highlightStore.ts) and walks through the list.
 *
 * Changes others make while this person has the board in front of them (made after the board
 * opened, arriving while the tab is visible) are seen as they happen, so a live session does not
 * light up everything everyone adds. Changes made while they were away (even when they arrive
 * later, with the first sync) and changes that arrive while the tab is in the background stay new.
 */
import { atom, react, type Atom } from 'tldraw'
import type { ChangeItem } from '../../shared/board/whatsNew'
import { useHighlightStore } from '../state/highlightStore'
import type { ConversationSnapshot } from './conversationIndex'
import { changesFromSnapshot } from './snapshotQueries'
import { compactLastSeen, firstVisitRecord, loadLastSeen, markAllSeen, markSeen, saveLastSeen, unseenChanges, type LastSeenRecord } from './lastSeen'

export interface WhatsNewView {
  /** Unseen changes, and those seen during this visit (so a walk through them stays in place), oldest first. */
  readonly items: readonly ChangeItem[]
  readonly seenKeys: ReadonlySet<string>
  readonly unseenCount: number
  /** The item the walk is showing, if any. */
  readonly focusedKey: string | null
  /** Everything before this moment counts as seen. */
  readonly seenAt: number
}

export interface WhatsNewTracker {
  readonly view: Atom<WhatsNewView>
  /** Shows one item: marks it seen and focuses it (the caller moves the camera). */
  focus(key: string): ChangeItem | null
  /** The item after (or before) the focused one; the first (or last) when none is focused. */
  step(direction: 1 | -1): ChangeItem | null
  markAllSeen(): void
  /** Compacts and stores the record; called on leaving the board. */
  leave(): void
  dispose(): void
}

export interface WhatsNewOptions {
  readonly boardId: string
  readonly getMyId: () => string
  readonly snapshot: Atom<ConversationSnapshot>
  readonly storage: Storage | null
  readonly now?: () => number
  /** Whether the person can see the board now (the tab is visible). */
  readonly isVisible?: () => boolean
  /** Up to when this tab is known to hold every change (see lastSeen.ts); defaults to now. */
  readonly getCompleteUntil?: () => number
}

function documentIsVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState === 'visible'
}

export function createWhatsNewTracker({
  boardId,
  getMyId,
  snapshot,
  storage,
  now = Date.now,
  isVisible = documentIsVisible,
  getCompleteUntil = now,
}: WhatsNewOptions): WhatsNewTracker {
  const openedAt = now()
  let record: LastSeenRecord = loadLastSeen(storage, boardId) ?? firstVisitRecord(openedAt)
  saveLastSeen(storage, boardId, record)
  const seenThisVisit = new Set<string>()
  /** Keys of changes already looked at by this tracker, to tell which ones just arrived. */
  let knownKeys: Set<string> | null = null
  let focusedKey: string | null = null
  let changes: ChangeItem[] = []

  const view = atom<WhatsNewView>('whats new', { items: [], seenKeys: new Set(), unseenCount: 0, focusedKey: null, seenAt: record.seenAt })

  const store = (next: LastSeenRecord) => {
    record = next
    saveLastSeen(storage, boardId, record)
  }

  const publish = () => {
    const seenKeys = new Set(record.seenKeys)
    const items = changes.filter((item) => !seenKeys.has(item.key) || seenThisVisit.has(item.key))
    const unseen = unseenChanges(items, record)
    if (focusedKey && !items.some((item) => item.key === focusedKey)) focusedKey = null
    view.set({ items, seenKeys, unseenCount: unseen.length, focusedKey, seenAt: record.seenAt })
    useHighlightStore.getState().setHighlighted(new Set(unseen.map((item) => item.targetId)))
    const focused = items.find((item) => item.key === focusedKey)
    useHighlightStore.getState().setFocused(focused ? focused.targetId : null)
  }

  const recompute = () => {
    changes = changesFromSnapshot(snapshot.get(), record.seenAt, getMyId())
    if (knownKeys) {
      const seenLive = changes.filter((item) => !knownKeys!.has(item.key) && item.at >= openedAt && isVisible()).map((item) => item.key)
      if (seenLive.length > 0) store(markSeen(record, seenLive))
    }
    knownKeys = new Set(changes.map((item) => item.key))
    publish()
  }

  const stopReacting = react('whats new follows the board', () => {
    snapshot.get()
    recompute()
  })

  const focus = (key: string): ChangeItem | null => {
    const item = view.get().items.find((candidate) => candidate.key === key) ?? null
    if (!item) return null
    focusedKey = key
    seenThisVisit.add(key)
    store(markSeen(record, [key]))
    publish()
    return item
  }

  return {
    view,
    focus,
    step: (direction) => {
      const { items } = view.get()
      if (items.length === 0) return null
      const at = items.findIndex((item) => item.key === focusedKey)
      const next = at < 0 ? (direction === 1 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + direction))
      return focus(items[next].key)
    },
    markAllSeen: () => {
      store(markAllSeen(changesFromSnapshot(snapshot.get(), record.seenAt, getMyId()), now()))
      seenThisVisit.clear()
      focusedKey = null
      recompute()
    },
    leave: () => {
      store(compactLastSeen(record, changesFromSnapshot(snapshot.get(), record.seenAt, getMyId()), getCompleteUntil()))
    },
    dispose: () => {
      stopReacting()
      useHighlightStore.getState().setHighlighted([])
      useHighlightStore.getState().setFocused(null)
    },
  }
}
