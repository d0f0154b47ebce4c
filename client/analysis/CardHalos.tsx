/**
 * The highlight of the chosen Map result on the canvas: a soft ring around each of its cards that
 * is in view, following the camera, with a small notice saying what is highlighted and offering to
 * zoom to the cards or clear the highlight. The rings let pointer events through to the canvas.
 */
import { Box, useEditor, useValue, type Editor, type TLShapeId } from 'tldraw'
import { useAnalysisHighlight } from './analysisHighlight'

interface Halo {
  shapeId: string
  x: number
  y: number
  w: number
  h: number
}

/** Space kept around the cards when zooming to them, in screen pixels. */
const ZOOM_INSET = 64

/**
 * Brings every highlighted card into view (not closer than 100%), centred in the part of the
 * canvas that the Map panel (`panel`, if open) leaves uncovered.
 */
export function zoomToShapes(editor: Editor, shapeIds: readonly string[], panel?: Element | null): boolean {
  const bounds = shapeIds.map((id) => editor.getShapePageBounds(id as TLShapeId)).filter((box): box is Box => !!box)
  if (bounds.length === 0) return false
  const target = Box.Common(bounds)
  const screen = editor.getViewportScreenBounds()
  const panelRect = panel?.getBoundingClientRect()
  const coveredLeft = panelRect ? Math.max(0, panelRect.right - screen.x) : 0
  const freeWidth = Math.max(120, screen.w - coveredLeft)
  const zoom = Math.min(1, (freeWidth - 2 * ZOOM_INSET) / target.w, (screen.h - 2 * ZOOM_INSET) / target.h)
  const z = Math.max(editor.getCameraOptions().zoomSteps[0] ?? 0.1, zoom)
  const centre = { x: coveredLeft + freeWidth / 2, y: screen.h / 2 }
  editor.setCamera({ x: centre.x / z - target.center.x, y: centre.y / z - target.center.y, z }, { animation: { duration: 320 } })
  return true
}

export function CardHalos() {
  const editor = useEditor()
  const { key, label, shapeIds, clear } = useAnalysisHighlight()
  const halos = useValue('map highlight halos', () => {
    const viewport = editor.getViewportPageBounds()
    const zoom = editor.getZoomLevel()
    const result: Halo[] = []
    for (const shapeId of shapeIds) {
      const bounds = editor.getShapePageBounds(shapeId as TLShapeId)
      if (!bounds || !viewport.collides(bounds)) continue
      const corner = editor.pageToViewport(bounds.point)
      result.push({ shapeId, x: corner.x, y: corner.y, w: bounds.w * zoom, h: bounds.h * zoom })
    }
    return result
  }, [editor, shapeIds])
  if (!key) return null
  return (
    <>
      <div className="tt-map-halos" aria-hidden>
        {halos.map((halo) => (
          <div
            key={halo.shapeId}
            className="tt-map-halo"
            data-testid="map-highlight"
            data-shape-id={halo.shapeId}
            style={{ left: halo.x - 6, top: halo.y - 6, width: halo.w + 12, height: halo.h + 12 }}
          />
        ))}
      </div>
      <div className="tt-map-notice" role="status" data-testid="map-highlight-notice">
        <span className="tt-map-notice__text">
          {shapeIds.length === 1 ? '1 card' : `${shapeIds.length} cards`} highlighted: {label}
        </span>
        <button type="button" className="tt-map__button" onClick={() => zoomToShapes(editor, shapeIds, document.querySelector('[data-testid="map-panel"]'))}>
          Zoom to
        </button>
        <button type="button" className="tt-map__button" onClick={clear}>
          Clear
        </button>
      </div>
    </>
  )
}
