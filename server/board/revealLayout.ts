/**
 * Where revealed drafts go on a page: each named person's cards as one group, then the anonymous
 * cards as one block, together in free space near where people were looking — never on anything
 * already on the page, nor on each other (the one free-space search, shared/board/freeSpace.ts). Pure functions over plain tldraw records, so the layout
 * is tested without a server (tests/unit/revealLayout.test.ts).
 *
 * @example
 *   const existing = shapeBoundsOnPage(records.values(), 'page:page')
 *   const { groups, anonymous } = layoutReveal({ existing, groups: [[card, card], [card]], anonymous: [card, card], near: { x: 0, y: 0 } })
 */

import { findFreeSpot, type Box, type Point, type Size } from '../../shared/board/freeSpace'

export type { Box, Point, Size }

/** Space kept between the reveal and what is on the page, and between groups. */
export const REVEAL_GAP = 48
/** Space between the cards of a group. */
export const CARD_GAP = 16
/** A named person's cards go in rows of this many. */
export const GROUP_COLUMNS = 3
/** Named groups side by side before the next row of groups starts. */
export const GROUPS_PER_ROW = 4
/**
 * A shape whose extent its props do not say (freehand drawings, highlights, and anything we do not
 * know) counts as reaching this far from its origin in every direction where its size is unknown.
 */
export const UNKNOWN_REACH = 300
/** Room around the line of an arrow or a line shape (strokes, arrowheads, labels). */
export const STROKE_REACH = 40
/** tldraw's sticky notes are this square at scale 1, growing down with their text (growY). */
const NOTE_SIZE = 200

interface ShapeLike {
  id: string
  type: string
  parentId: string
  x: number
  y: number
  rotation: number
  props: Record<string, unknown>
}

const finite = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0)
const positive = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

function asShape(value: unknown): ShapeLike | null {
  if (!isObject(value) || value.typeName !== 'shape' || typeof value.id !== 'string' || typeof value.parentId !== 'string') return null
  return {
    id: value.id,
    type: String(value.type),
    parentId: value.parentId,
    x: finite(value.x),
    y: finite(value.y),
    rotation: finite(value.rotation),
    props: isObject(value.props) ? value.props : {},
  }
}

const asPoint = (value: unknown): Point | null =>
  isObject(value) && Number.isFinite(value.x) && Number.isFinite(value.y) ? { x: value.x as number, y: value.y as number } : null

/** An affine transform [a c e; b d f]. */
type Matrix = readonly [a: number, b: number, c: number, d: number, e: number, f: number]

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ]
}

const local = (shape: ShapeLike): Matrix => {
  const cos = Math.cos(shape.rotation)
  const sin = Math.sin(shape.rotation)
  return [cos, sin, -sin, cos, shape.x, shape.y]
}

function apply(m: Matrix, point: Point): Point {
  return { x: m[0] * point.x + m[2] * point.y + m[4], y: m[1] * point.x + m[3] * point.y + m[5] }
}

/** The smallest box around points, grown by `reach` on every side. */
function around(points: Point[], reach = 0): Box {
  const xs = points.map((p) => p.x)
  const ys = points.map((p) => p.y)
  const x = Math.min(...xs) - reach
  const y = Math.min(...ys) - reach
  return { x, y, w: Math.max(...xs) + reach - x, h: Math.max(...ys) + reach - y }
}

/** The corners, in the shape's own space, of what a shape with a size covers. */
function sizedCorners(shape: ShapeLike): Point[] {
  let w = positive(shape.props.w)
  let h = positive(shape.props.h)
  if (shape.type === 'note') {
    const scale = positive(shape.props.scale) ?? 1
    w = NOTE_SIZE * scale
    h = (NOTE_SIZE + finite(shape.props.growY)) * scale
  }
  const [minX, maxX] = w === null ? [-UNKNOWN_REACH, UNKNOWN_REACH] : [0, w]
  const [minY, maxY] = h === null ? [-UNKNOWN_REACH, UNKNOWN_REACH] : [0, h]
  return [
    { x: minX, y: minY },
    { x: maxX, y: minY },
    { x: minX, y: maxY },
    { x: maxX, y: maxY },
  ]
}

/**
 * The page-space bounds of every shape on `pageId` (children of frames and groups included), from
 * the records of a board's `tldraw:records` map. Rotated shapes count with their whole bounding
 * box; arrows from end to end (an end bound to a shape is at that shape), bends included; lines
 * through all their points.
 */
export function shapeBoundsOnPage(records: Iterable<unknown>, pageId: string): Box[] {
  const shapes = new Map<string, ShapeLike>()
  const boundEnds = new Map<string, Map<'start' | 'end', string>>()
  for (const value of records) {
    const shape = asShape(value)
    if (shape) shapes.set(shape.id, shape)
    else if (isObject(value) && value.typeName === 'binding' && value.type === 'arrow' && isObject(value.props)) {
      const terminal = value.props.terminal
      if ((terminal === 'start' || terminal === 'end') && typeof value.fromId === 'string' && typeof value.toId === 'string') {
        const ends = boundEnds.get(value.fromId) ?? new Map<'start' | 'end', string>()
        ends.set(terminal, value.toId)
        boundEnds.set(value.fromId, ends)
      }
    }
  }
  const transforms = new Map<string, Matrix | null>()
  const pageTransform = (shape: ShapeLike, depth: number): Matrix | null => {
    if (transforms.has(shape.id)) return transforms.get(shape.id)!
    let result: Matrix | null = null
    if (shape.parentId === pageId) result = local(shape)
    else {
      const parent = shapes.get(shape.parentId)
      // Depth bounds a cycle of parents, which no real board has.
      const parentTransform = parent && depth < 64 ? pageTransform(parent, depth + 1) : null
      result = parentTransform && multiply(parentTransform, local(shape))
    }
    transforms.set(shape.id, result)
    return result
  }
  const bounds = new Map<string, Box>()
  const arrows: Array<{ shape: ShapeLike; transform: Matrix }> = []
  for (const shape of shapes.values()) {
    const transform = pageTransform(shape, 0)
    if (!transform) continue
    const start = asPoint(shape.props.start)
    const end = asPoint(shape.props.end)
    const linePoints = isObject(shape.props.points)
      ? Object.values(shape.props.points)
          .map(asPoint)
          .filter((p): p is Point => p !== null)
      : []
    if (shape.type === 'arrow' && start && end) arrows.push({ shape, transform })
    else if (shape.type === 'line' && linePoints.length > 0)
      bounds.set(
        shape.id,
        around(
          linePoints.map((p) => apply(transform, p)),
          STROKE_REACH,
        ),
      )
    else bounds.set(shape.id, around(sizedCorners(shape).map((p) => apply(transform, p))))
  }
  for (const { shape, transform } of arrows) {
    const ends = (['start', 'end'] as const).map((terminal) => {
      const target = bounds.get(boundEnds.get(shape.id)?.get(terminal) ?? '')
      return target ? { x: target.x + target.w / 2, y: target.y + target.h / 2 } : apply(transform, asPoint(shape.props[terminal])!)
    })
    bounds.set(shape.id, around(ends, STROKE_REACH + Math.abs(finite(shape.props.bend))))
  }
  return [...bounds.values()].filter((box) => [box.x, box.y, box.w, box.h].every(Number.isFinite))
}

export interface RevealLayoutRequest {
  /** What is on the page already (shapeBoundsOnPage). */
  existing: readonly Box[]
  /** Each named person's cards, in the order they are laid out; a group stays together. */
  groups: ReadonlyArray<ReadonlyArray<Size>>
  /** The anonymous cards, in the order they fill the block's grid (row by row). */
  anonymous: ReadonlyArray<Size>
  /** Where people were looking: the reveal goes in the free space nearest to it. */
  near: Point
}

export interface RevealLayout {
  /** The top-left corner of each card of each group. */
  groups: Point[][]
  /** The top-left corner of each anonymous card. */
  anonymous: Point[]
}

interface Block extends Size {
  /** Card corners relative to the block's corner. */
  cells: Point[]
}

/** Cards in a grid of `columns`, each cell as large as the largest card. */
function gridBlock(cards: ReadonlyArray<Size>, columns: number): Block {
  if (cards.length === 0) return { w: 0, h: 0, cells: [] }
  const cellW = Math.max(...cards.map((card) => card.w))
  const cellH = Math.max(...cards.map((card) => card.h))
  const used = Math.min(columns, cards.length)
  const rows = Math.ceil(cards.length / used)
  return {
    w: used * cellW + (used - 1) * CARD_GAP,
    h: rows * cellH + (rows - 1) * CARD_GAP,
    cells: cards.map((_, i) => ({ x: (i % used) * (cellW + CARD_GAP), y: Math.floor(i / used) * (cellH + CARD_GAP) })),
  }
}

/**
 * Lays out a reveal: the groups side by side in rows (GROUPS_PER_ROW), the anonymous block in a
 * row of its own below them, and the whole at the free spot nearest `near` (shared/board/freeSpace.ts).
 */
export function layoutReveal(request: RevealLayoutRequest): RevealLayout {
  const groupBlocks = request.groups.map((cards) => gridBlock(cards, GROUP_COLUMNS))
  const anonymousBlock = gridBlock(request.anonymous, Math.max(GROUP_COLUMNS, Math.ceil(Math.sqrt(request.anonymous.length))))

  // The area: rows of groups, then the anonymous block.
  const groupCorners: Point[] = []
  let rowX = 0
  let rowY = 0
  let rowHeight = 0
  let areaW = 0
  groupBlocks.forEach((block, i) => {
    if (i > 0 && i % GROUPS_PER_ROW === 0) {
      rowY += rowHeight + REVEAL_GAP
      rowX = 0
      rowHeight = 0
    }
    groupCorners.push({ x: rowX, y: rowY })
    rowX += block.w + REVEAL_GAP
    rowHeight = Math.max(rowHeight, block.h)
    areaW = Math.max(areaW, rowX - REVEAL_GAP)
  })
  const anonymousY = groupBlocks.length > 0 ? rowY + rowHeight + (anonymousBlock.cells.length > 0 ? REVEAL_GAP : 0) : 0
  const area: Size = { w: Math.max(areaW, anonymousBlock.w), h: anonymousY + anonymousBlock.h }

  const corner = findFreeSpot(area, request.existing, request.near, REVEAL_GAP)
  return {
    groups: groupBlocks.map((block, i) => block.cells.map((cell) => ({ x: corner.x + groupCorners[i].x + cell.x, y: corner.y + groupCorners[i].y + cell.y }))),
    anonymous: anonymousBlock.cells.map((cell) => ({ x: corner.x + cell.x, y: corner.y + anonymousY + cell.y })),
  }
}
