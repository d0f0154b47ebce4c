/**
 * The live map analysis of the open board: reads the map from the canvas, conversation and people
 * documents (shared/analysis/mapInput.ts) and analyses it (mapAnalysis.ts) while the Map panel is
 * open, again whenever any of the three documents changes — at most every REFRESH_MS, so a busy
 * board is not analysed for every keystroke — and publishes the result in a tldraw atom.
 *
 * @example
 *   const session = createAnalysisSession(board)
 *   session.setActive(true)
 *   react('map', () => session.view.get()?.analysis)
 */
import { atom, type Atom } from 'tldraw'
import { analyseMap, type MapAnalysis } from '../../shared/analysis/mapAnalysis'
import { readMapInput, type MapInput } from '../../shared/analysis/mapInput'
import type { BoardContextValue } from '../board/boardContext'

export interface AnalysisView {
  readonly input: MapInput
  readonly analysis: MapAnalysis
  /** How long reading and analysing the map took, in milliseconds. */
  readonly tookMs: number
}

export interface AnalysisSession {
  readonly board: BoardContextValue
  readonly view: Atom<AnalysisView | null>
  /** Analyses now and follows the board while active; stops following when not. */
  setActive(active: boolean): void
  dispose(): void
}

export const REFRESH_MS = 300

/** The session of the board open in this tab, for the overlay. */
export const activeAnalysisSession = atom<AnalysisSession | null>('analysis session', null)

export function createAnalysisSession(board: BoardContextValue): AnalysisSession {
  const view = atom<AnalysisView | null>('map analysis', null)
  const docs = [board.canvasDoc, board.conversationDoc, board.peopleDoc]
  let active = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastRunAt = 0

  const run = () => {
    timer = null
    if (!active) return
    const started = performance.now()
    const input = readMapInput({ canvas: board.canvasDoc, conversation: board.conversationDoc, people: board.peopleDoc })
    const analysis = analyseMap(input)
    lastRunAt = performance.now()
    view.set({ input, analysis, tookMs: lastRunAt - started })
  }
  const schedule = () => {
    if (!active || timer !== null) return
    timer = setTimeout(run, Math.max(0, lastRunAt + REFRESH_MS - performance.now()))
  }
  for (const doc of docs) doc.on('update', schedule)

  return {
    board,
    view,
    setActive(next) {
      if (next === active) return
      active = next
      if (active) run()
      else if (timer !== null) {
        clearTimeout(timer)
        timer = null
      }
    },
    dispose() {
      active = false
      if (timer !== null) clearTimeout(timer)
      for (const doc of docs) doc.off('update', schedule)
    },
  }
}
