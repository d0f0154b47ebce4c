/**
 * Links as tldraw records: which arrows are links, turning an arrow bound at both ends into a
 * link, changing a link's type, and linking two selected shapes without the mouse. The type and
 * who set it live in the arrow's `meta` (shared/board/links.ts); the label and style are derived
 * from the type and written with it, in one change, so every client and every export shows them.
 */
import {
  createBindingId,
  createShapeId,
  getArrowBindings,
  toRichText,
  type Editor,
  type JsonObject,
  type TLArrowShape,
  type TLShape,
  type TLShapeId,
} from 'tldraw'
import type { Person } from '../../shared/board/boardModel'
import { readLinkMeta, type LinkMeta } from '../../shared/board/links'
import type { LinkType } from '../../shared/board/vocabulary'
import { DEFAULT_LINK_TYPE, LINK_TYPE_STYLE, linkLabel } from './linkStyle'

export function isArrow(shape: TLShape | undefined): shape is TLArrowShape {
  return shape?.type === 'arrow'
}

/** The link data of an arrow, or null when the arrow is not a link. */
export function linkMetaOf(shape: TLShape | undefined): LinkMeta | null {
  return isArrow(shape) ? readLinkMeta(shape.meta) : null
}

/** The two shapes an arrow connects, or null unless both ends are bound to two different shapes. */
export function linkedEnds(editor: Editor, arrow: TLArrowShape): { from: TLShapeId; to: TLShapeId } | null {
  const { start, end } = getArrowBindings(editor, arrow)
  if (!start || !end || start.toId === end.toId) return null
  return { from: start.toId, to: end.toId }
}

function person(p: Person): Person {
  return { id: p.id, name: p.name, color: p.color }
}

function linkProps(type: LinkType) {
  return { ...LINK_TYPE_STYLE[type], richText: toRichText(linkLabel(type)) }
}

/**
 * Makes an arrow bound at both ends a link of the default type, created by `me`. Does nothing
 * for arrows that already are links or are not bound at both ends. Returns whether it changed it.
 */
export function makeLink(editor: Editor, arrowId: TLShapeId, me: Person, now: number): boolean {
  const arrow = editor.getShape(arrowId)
  if (!isArrow(arrow) || linkMetaOf(arrow) || !linkedEnds(editor, arrow)) return false
  const meta: LinkMeta = {
    linkType: DEFAULT_LINK_TYPE,
    createdBy: person(me),
    updatedBy: person(me),
    createdAt: now,
    updatedAt: now,
  }
  editor.updateShape<TLArrowShape>({
    id: arrow.id,
    type: 'arrow',
    props: linkProps(DEFAULT_LINK_TYPE),
    meta: { ...arrow.meta, ...(meta as unknown as JsonObject) },
  })
  return true
}

/** Changes a link's type, with its label and style, as one undoable step. */
export function setLinkType(editor: Editor, arrowId: TLShapeId, type: LinkType, me: Person, now: number): boolean {
  const arrow = editor.getShape(arrowId)
  const meta = linkMetaOf(arrow)
  if (!isArrow(arrow) || !meta || meta.linkType === type) return false
  const next: LinkMeta = { ...meta, linkType: type, updatedBy: person(me), updatedAt: now }
  editor.markHistoryStoppingPoint('change link type')
  editor.updateShape<TLArrowShape>({
    id: arrow.id,
    type: 'arrow',
    props: linkProps(type),
    meta: { ...arrow.meta, ...(next as unknown as JsonObject) },
  })
  return true
}

/** Whether the two selected shapes can be linked: exactly two, neither an arrow. */
export function linkableSelection(editor: Editor): [TLShape, TLShape] | null {
  const selected = editor.getSelectedShapes()
  if (selected.length !== 2 || selected.some((shape) => shape.type === 'arrow')) return null
  return [selected[0], selected[1]]
}

/**
 * Links the two selected shapes (first selected to second) with a new arrow bound to both, as a
 * link of the default type, and selects it so its type can be chosen next. Returns its id.
 */
export function linkSelectedShapes(editor: Editor, me: Person, now: number): TLShapeId | null {
  const pair = linkableSelection(editor)
  if (!pair) return null
  const [from, to] = pair
  const fromBounds = editor.getShapePageBounds(from)
  const toBounds = editor.getShapePageBounds(to)
  if (!fromBounds || !toBounds) return null
  const arrowId = createShapeId()
  const meta: LinkMeta = { linkType: DEFAULT_LINK_TYPE, createdBy: person(me), updatedBy: person(me), createdAt: now, updatedAt: now }
  editor.markHistoryStoppingPoint('link selected shapes')
  editor.run(() => {
    editor.createShape<TLArrowShape>({
      id: arrowId,
      type: 'arrow',
      x: fromBounds.center.x,
      y: fromBounds.center.y,
      props: {
        ...linkProps(DEFAULT_LINK_TYPE),
        start: { x: 0, y: 0 },
        end: { x: toBounds.center.x - fromBounds.center.x, y: toBounds.center.y - fromBounds.center.y },
      },
      meta: meta as unknown as JsonObject,
    })
    const binding = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
    editor.createBindings([
      { id: createBindingId(), type: 'arrow', fromId: arrowId, toId: from.id, props: { ...binding, terminal: 'start' } },
      { id: createBindingId(), type: 'arrow', fromId: arrowId, toId: to.id, props: { ...binding, terminal: 'end' } },
    ])
    editor.select(arrowId)
  })
  return arrowId
}
