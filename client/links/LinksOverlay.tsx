/**
 * The small toolbar under the selection for links: with one link selected, its type as a radio
 * group (arrow keys move and choose, as radio groups do) and who linked it; with two shapes
 * selected, a "Link selected cards" button, so a link can be made without dragging an arrow.
 * Observers see who linked what, and no controls.
 */
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import { Box, getColorValue, useEditor, useValue, type TLArrowShape, type TLShapeId } from 'tldraw'
import type { LinkMeta } from '../../shared/board/links'
import { LINK_TYPES, LINK_TYPE_INFO, type LinkType } from '../../shared/board/vocabulary'
import { useBoardContext } from '../board/boardContext'
import { linkableSelection, linkedEnds, linkMetaOf, linkSelectedShapes, setLinkType } from './linkRecords'
import { LINK_TYPE_STYLE, type LinkArrowStyle } from './linkStyle'
import './links.css'

/** Where the toolbar sits, in the canvas container's coordinates. */
interface Placement {
  x: number
  y: number
  above: boolean
}

/** Room kept free at the bottom for tldraw's own toolbar. */
const BOTTOM_RESERVE = 120
const GAP = 14

function useToolbarPlacement(): Placement | null {
  const editor = useEditor()
  return useValue('links toolbar placement', () => {
    if (editor.inputs.getIsDragging() || editor.getEditingShapeId()) return null
    const selection = editor.getSelectionPageBounds()
    if (!selection) return null
    // Under a link's cards too, not only its arrow, so the toolbar never covers what it links.
    const only = editor.getOnlySelectedShape()
    const ends = only && linkMetaOf(only) ? linkedEnds(editor, only as TLArrowShape) : null
    const endBounds = ends ? [editor.getShapePageBounds(ends.from), editor.getShapePageBounds(ends.to)] : []
    const bounds = Box.Common([selection, ...endBounds.filter((box): box is Box => !!box)])
    const viewport = editor.getViewportScreenBounds()
    const below = editor.pageToViewport({ x: bounds.center.x, y: bounds.maxY })
    const above = editor.pageToViewport({ x: bounds.center.x, y: bounds.minY })
    const x = Math.min(Math.max(below.x, 180), viewport.w - 180)
    if (below.y + GAP < viewport.h - BOTTOM_RESERVE) return { x, y: below.y + GAP, above: false }
    return { x, y: Math.max(above.y - GAP, 60), above: true }
  }, [editor])
}

export function LinksOverlay() {
  const editor = useEditor()
  const { permissions } = useBoardContext()
  // Linking and changing a link's type follow the phase, and the editor's read-only (observers, a lock).
  const canEdit = useValue('may link', () => permissions.may('link') && !editor.getIsReadonly(), [editor, permissions])
  const placement = useToolbarPlacement()
  const selectedLink = useValue('selected link', () => {
    const shape = editor.getOnlySelectedShape()
    const meta = linkMetaOf(shape ?? undefined)
    return shape && meta ? { id: shape.id, meta } : null
  }, [editor])
  const canLinkSelection = useValue('linkable selection', () => canEdit && linkableSelection(editor) !== null, [editor, canEdit])
  const rootRef = useRef<HTMLDivElement>(null)

  // Keys pressed in the toolbar are ours: tldraw must not also nudge, delete or switch tools.
  // Its canvas listens on its container (below React's root, so it hears the key first and is
  // told here that the key is handled), its shortcuts on the body (stopped in onKeyDown below).
  useEffect(() => {
    const root = rootRef.current
    if (!root) return
    const markHandled = (event: KeyboardEvent) => editor.markEventAsHandled(event)
    root.addEventListener('keydown', markHandled)
    root.addEventListener('keyup', markHandled)
    return () => {
      root.removeEventListener('keydown', markHandled)
      root.removeEventListener('keyup', markHandled)
    }
  })

  if (!placement || (!selectedLink && !canLinkSelection)) return null
  return (
    <div
      ref={rootRef}
      className="tt-links-toolbar"
      data-above={placement.above}
      style={{ left: placement.x, top: placement.y }}
      onPointerDown={(event) => event.stopPropagation()}
      onKeyDown={(event) => event.stopPropagation()}
      onKeyUp={(event) => event.stopPropagation()}
      data-testid="links-toolbar"
    >
      {selectedLink ? <LinkDetails key={selectedLink.id} linkId={selectedLink.id} meta={selectedLink.meta} canEdit={canEdit} /> : <LinkSelectionButton />}
    </div>
  )
}

function LinkSelectionButton() {
  const editor = useEditor()
  const { getMe } = useBoardContext()
  return (
    <button
      type="button"
      className="tt-links-toolbar__action"
      onClick={() => {
        if (linkSelectedShapes(editor, getMe(), Date.now())) focusLinkPickerSoon()
      }}
      data-testid="link-selected"
    >
      Link selected cards
    </button>
  )
}

/** After linking by keyboard, the new link's type picker takes the focus, so the type is one key away. */
function focusLinkPickerSoon() {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      document.querySelector<HTMLButtonElement>('.tt-link-types [aria-checked="true"]')?.focus()
    }),
  )
}

function LinkDetails({ linkId, meta, canEdit }: { linkId: TLShapeId; meta: LinkMeta; canEdit: boolean }) {
  return (
    <>
      {canEdit ? (
        <LinkTypePicker linkId={linkId} value={meta.linkType} />
      ) : (
        <span className="tt-links-toolbar__type" data-testid="link-type-readonly">
          <LinkSwatch type={meta.linkType} />
          {LINK_TYPE_INFO[meta.linkType].label}
        </span>
      )}
      <LinkAttribution meta={meta} />
    </>
  )
}

function LinkAttribution({ meta }: { meta: LinkMeta }) {
  if (!meta.createdBy) return null
  const changedBy = meta.updatedBy && meta.updatedBy.id !== meta.createdBy.id ? meta.updatedBy : null
  return (
    <span className="tt-links-toolbar__by" data-testid="link-attribution">
      Linked by <span style={{ color: meta.createdBy.color }}>{meta.createdBy.name}</span>
      {changedBy && (
        <>
          {' · type set by '}
          <span style={{ color: changedBy.color }}>{changedBy.name}</span>
        </>
      )}
    </span>
  )
}

function LinkTypePicker({ linkId, value }: { linkId: TLShapeId; value: LinkType }) {
  const editor = useEditor()
  const { getMe } = useBoardContext()
  const buttons = useRef<Partial<Record<LinkType, HTMLButtonElement | null>>>({})
  const [focusAfterChange, setFocusAfterChange] = useState<LinkType | null>(null)

  useEffect(() => {
    if (focusAfterChange && focusAfterChange === value) buttons.current[value]?.focus()
  }, [focusAfterChange, value])

  const choose = (type: LinkType) => setLinkType(editor, linkId, type, getMe(), Date.now())

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key]
    if (!step) return
    event.preventDefault()
    const next = LINK_TYPES[(LINK_TYPES.indexOf(value) + step + LINK_TYPES.length) % LINK_TYPES.length]
    choose(next)
    setFocusAfterChange(next)
  }

  return (
    <div role="radiogroup" aria-label="Link type" className="tt-link-types" onKeyDown={onKeyDown} data-testid="link-type-picker">
      {LINK_TYPES.map((type) => (
        <button
          key={type}
          ref={(element) => {
            buttons.current[type] = element
          }}
          type="button"
          role="radio"
          aria-checked={type === value}
          tabIndex={type === value ? 0 : -1}
          className="tt-link-types__option"
          onClick={() => choose(type)}
          data-link-type={type}
        >
          <LinkSwatch type={type} />
          {LINK_TYPE_INFO[type].label}
        </button>
      ))}
    </div>
  )
}

const DASH_ARRAYS: Partial<Record<LinkArrowStyle['dash'], string>> = { dashed: '4 3', dotted: '1 3' }

/** A short line in the type's colour and dash, as the arrow is drawn. */
function LinkSwatch({ type }: { type: LinkType }) {
  const editor = useEditor()
  const style = LINK_TYPE_STYLE[type]
  const stroke = useValue('link swatch colour', () => getColorValue(editor.getCurrentTheme().colors[editor.getColorMode()], style.color, 'solid'), [
    editor,
    style.color,
  ])
  return (
    <svg className="tt-link-swatch" width="18" height="8" viewBox="0 0 18 8" aria-hidden="true">
      <line x1="1" y1="4" x2="17" y2="4" stroke={stroke} strokeWidth="2" strokeLinecap="round" strokeDasharray={DASH_ARRAYS[style.dash]} />
    </svg>
  )
}
