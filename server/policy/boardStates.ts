/**
 * What each board's facilitation layer says right now (lock, the phase's member actions), kept up
 * to date from its live control document so that a rule check is a read, and announced to
 * whoever watches when it changes (connections whose writes were held resync then). A board's
 * control document stays loaded while anyone watches it.
 *
 * @example
 *   const watch = await states.watch(boardId)
 *   watch.current            // { locked: false, memberActions: null }
 *   const stop = watch.onChange(() => ...)
 *   watch.release()
 */
import type * as Y from 'yjs'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import type { DocumentHost, HeldDocument } from '../relay/hooks'
import { readBoardState, type BoardState } from '../../shared/board/boardRules'

/** One holder's view of a board's state; release it when done. */
export interface BoardStateWatch {
  readonly current: BoardState
  onChange(listener: () => void): () => void
  release(): void
}

function sameState(a: BoardState, b: BoardState): boolean {
  if (a.locked !== b.locked) return false
  if (a.memberActions === null || b.memberActions === null) return a.memberActions === b.memberActions
  return a.memberActions.length === b.memberActions.length && a.memberActions.every((action) => b.memberActions!.includes(action))
}

/** The shared state of one board and everyone watching it. */
class BoardStateSource {
  state: BoardState
  holders = 0
  readonly listeners = new Set<() => void>()
  private readonly map: Y.Map<unknown>

  constructor(private readonly held: HeldDocument) {
    this.map = held.document.doc.getMap(FACILITATION_MAP)
    this.state = readBoardState(held.document.doc)
    this.map.observeDeep(this.refresh)
  }

  private readonly refresh = () => {
    const next = readBoardState(this.held.document.doc)
    if (sameState(next, this.state)) return
    this.state = next
    for (const listener of [...this.listeners]) listener()
  }

  dispose(): void {
    this.map.unobserveDeep(this.refresh)
    this.held.release()
  }
}

export class BoardStates {
  private readonly sources = new Map<string, Promise<BoardStateSource>>()

  constructor(private readonly documents: DocumentHost) {}

  /** Watches a board's state (loading its control document if needed). Throws when it cannot be loaded. */
  async watch(boardId: string): Promise<BoardStateWatch> {
    let loading = this.sources.get(boardId)
    if (!loading) {
      loading = this.documents.hold(controlDocName(boardId)).then((held) => new BoardStateSource(held))
      this.sources.set(boardId, loading)
      loading.catch(() => this.sources.delete(boardId))
    }
    const source = await loading
    source.holders++
    const own = new Set<() => void>()
    let released = false
    return {
      get current() {
        return source.state
      },
      onChange(listener) {
        const wrapped = () => listener()
        own.add(wrapped)
        source.listeners.add(wrapped)
        return () => {
          own.delete(wrapped)
          source.listeners.delete(wrapped)
        }
      },
      release: () => {
        if (released) return
        released = true
        for (const listener of own) source.listeners.delete(listener)
        source.holders--
        if (source.holders === 0 && this.sources.get(boardId) === loading) {
          this.sources.delete(boardId)
          source.dispose()
        }
      },
    }
  }
}
