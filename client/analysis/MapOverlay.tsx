/**
 * The Map UI: the panel in the board's dock with its two views — the map analysis
 * (MapAnalysisView.tsx) and "How my understanding moved" (UnderstandingView.tsx) — and, in front
 * of the canvas, the highlight of the chosen result (CardHalos.tsx). A chosen result follows the board: its cards are highlighted afresh
 * as the analysis changes, and the highlight goes when the result does.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react'
import { useEditor, useValue } from 'tldraw'
import type { MapAnalysis, MapResult } from '../../shared/analysis/mapAnalysis'
import type { MapInput } from '../../shared/analysis/mapInput'
import { useAnalysisHighlight } from './analysisHighlight'
import { activeAnalysisSession, type AnalysisSession } from './analysisSession'
import { CardHalos, zoomToShapes } from './CardHalos'
import { MapAnalysisView } from './MapAnalysisView'
import { useMapPanelStore, type MapView } from './mapPanelStore'
import { UnderstandingView } from './UnderstandingView'
import './analysis.css'

const VIEWS: ReadonlyArray<{ view: MapView; label: string }> = [
  { view: 'analysis', label: 'Map analysis' },
  { view: 'understanding', label: 'How understanding moved' },
]

export function MapOverlay() {
  const session = useValue('analysis session', () => activeAnalysisSession.get(), [])
  if (!session) return null
  return <CardHalos />
}

/** The Map panel's body in the dock (the dock draws its title and its Close button). */
export function MapPanelBody() {
  const session = useValue('analysis session', () => activeAnalysisSession.get(), [])
  if (!session) return null
  return <MapPanel session={session} />
}

/** Every result the panel can show, by key, with its cards (for following a chosen one). */
function resultCards(analysis: MapAnalysis, input: MapInput): Map<string, string[]> {
  const all: MapResult[] = [
    ...analysis.central,
    ...analysis.reach,
    ...analysis.loops.results,
    ...analysis.clusters,
    ...analysis.unanswered.results,
    ...analysis.reciprocity.members,
  ]
  const byKey = new Map(all.map((result) => [result.key, result.cardIds]))
  for (const card of input.cards) byKey.set(`card:${card.id}`, [card.id])
  return byKey
}

export type ChooseResult = (key: string, label: string, cardIds: readonly string[]) => void

function MapPanel({ session }: { session: AnalysisSession }) {
  const editor = useEditor()
  const view = useValue('map analysis view', () => session.view.get(), [session])
  const { view: shown, setView } = useMapPanelStore()
  const highlight = useAnalysisHighlight()
  const panel = useRef<HTMLElement>(null)

  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus()
  }, [])

  const shapeIdsOf = (cardIds: readonly string[]) => {
    const shapes = new Map(view?.input.cards.map((card) => [card.id, card.shapeId]))
    return cardIds.flatMap((id) => shapes.get(id) ?? [])
  }

  useEffect(() => {
    if (!view || !highlight.key) return
    const cards = resultCards(view.analysis, view.input).get(highlight.key)
    if (!cards) {
      highlight.clear()
      return
    }
    const shapes = new Map(view.input.cards.map((card) => [card.id, card.shapeId]))
    const shapeIds = cards.flatMap((id) => shapes.get(id) ?? [])
    if (shapeIds.join() !== highlight.shapeIds.join()) highlight.show(highlight.key, highlight.label, shapeIds)
  }, [view, highlight])

  const choose: ChooseResult = (key, label, cardIds) => {
    if (highlight.key === key) {
      highlight.clear()
      return
    }
    const shapeIds = shapeIdsOf(cardIds)
    highlight.show(key, label, shapeIds)
    zoomToShapes(editor, shapeIds, panel.current)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      if (!(event.target as HTMLElement).matches('[role="tab"]')) return
      const next = VIEWS[(VIEWS.findIndex((entry) => entry.view === shown) + 1) % VIEWS.length].view
      setView(next)
      requestAnimationFrame(() => panel.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus())
    }
  }

  return (
    <section ref={panel} className="tt-map" aria-label="Map" data-testid="map-panel" onKeyDown={onKeyDown}>
      <header className="tt-map__header">
        <div className="tt-map__tabs" role="tablist" aria-label="Map views">
          {VIEWS.map((entry) => (
            <button
              key={entry.view}
              type="button"
              role="tab"
              id={`tt-map-tab-${entry.view}`}
              aria-selected={shown === entry.view}
              aria-controls="tt-map-body"
              tabIndex={shown === entry.view ? 0 : -1}
              className="tt-map__tab"
              data-testid={`map-tab-${entry.view}`}
              onClick={() => setView(entry.view)}
            >
              {entry.label}
            </button>
          ))}
        </div>
      </header>
      <div className="tt-map__body" id="tt-map-body" role="tabpanel" aria-labelledby={`tt-map-tab-${shown}`}>
        {!view ? (
          <p className="tt-map__muted">Reading the map…</p>
        ) : shown === 'analysis' ? (
          <MapAnalysisView analysis={view.analysis} chosen={highlight.key} choose={choose} />
        ) : (
          <UnderstandingView input={view.input} me={session.board.getMe()} chosen={highlight.key} choose={choose} />
        )}
      </div>
    </section>
  )
}
