/**
 * Free space on a page: where a new card, or a block of cards, can go without overlapping (or
 * touching) anything already there, as near as possible to a point (the middle of someone's view).
 * One search for every way cards arrive: a card added from the keyboard or the palette (the
 * client, client/contributions/cardCreation.ts), the server's reveal of drafts
 * (server/board/revealLayout.ts), and imports and templates. Pure and quick on a board of
 * thousands of shapes (a grid of buckets answers "is anything near this box").
 *
 * @example
 *   const corner = findFreeSpot({ w: 240, h: 160 }, existingBounds, viewportCentre, FREE_SPACE_GAP)
 */

export interface Point {
  x: number
  y: number
}

export interface Size {
  w: number
  h: number
}

export interface Box extends Point, Size {}

/**
 * The room kept between a new card and its neighbours: enough for a link between them to have a
 * visible length and its label.
 */
export const FREE_SPACE_GAP = 48

const intersects = (a: Box, b: Box, gap: number) => a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap

/** Boxes whose sides are tried as places: those nearest to `near`. */
const NEAREST_BOXES_TRIED = 256

/**
 * The top-left corner for an area of `size` that keeps `gap` from every box in `existing`, nearest
 * `near`: centred on it, or beside, above or below one of the boxes nearest to it, or else just
 * outside everything on the page (right, left, below or above it, whichever is nearest). Boxes are
 * page-space bounds; the result is in whole page units.
 */
export function findFreeSpot(size: Size, existing: readonly Box[], near: Point, gap: number): Point {
  const centred = { x: Math.round(near.x - size.w / 2), y: Math.round(near.y - size.h / 2) }
  if (existing.length === 0) return centred
  const distance = (p: Point) => Math.hypot(p.x + size.w / 2 - near.x, p.y + size.h / 2 - near.y)
  const all = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity }
  for (const box of existing) {
    all.minX = Math.min(all.minX, box.x)
    all.maxX = Math.max(all.maxX, box.x + box.w)
    all.minY = Math.min(all.minY, box.y)
    all.maxY = Math.max(all.maxY, box.y + box.h)
  }
  // Free by construction: past every box by the gap.
  const outside = [
    { x: all.maxX + gap, y: centred.y },
    { x: all.minX - gap - size.w, y: centred.y },
    { x: centred.x, y: all.maxY + gap },
    { x: centred.x, y: all.minY - gap - size.h },
  ].sort((a, b) => distance(a) - distance(b))[0]

  const nearest = existing
    .map((box) => ({ box, d: Math.hypot(box.x + box.w / 2 - near.x, box.y + box.h / 2 - near.y) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, NEAREST_BOXES_TRIED)
  const candidates: Point[] = [centred]
  for (const { box } of nearest) {
    const right = box.x + box.w + gap
    const left = box.x - gap - size.w
    const below = box.y + box.h + gap
    const above = box.y - gap - size.h
    for (const y of [centred.y, box.y]) candidates.push({ x: right, y }, { x: left, y })
    for (const x of [centred.x, box.x]) candidates.push({ x, y: below }, { x, y: above })
  }
  const limit = distance(outside)
  const tried = candidates
    .map((p) => ({ p, d: distance(p) }))
    .filter(({ d }) => d < limit)
    .sort((a, b) => a.d - b.d)
  const grid = new BoxGrid(existing)
  // Candidates next to each other in this order are mostly blocked by the same box: try it first.
  let lastBlocker: Box | null = null
  for (const { p: candidate } of tried) {
    const area = { ...candidate, ...size }
    if (lastBlocker && intersects(area, lastBlocker, gap)) continue
    lastBlocker = grid.blockerNear(area, gap)
    if (!lastBlocker) return candidate
  }
  return outside
}

/**
 * Boxes bucketed in a grid of square cells, so that finding whether anything is near a box looks
 * at the boxes around it, not at every box on the page (the reveal runs on the relay's thread).
 */
const CELL = 512
/** A box or query spanning more cells than this is checked against the list instead. */
const MAX_CELLS = 1024

class BoxGrid {
  private readonly cells = new Map<number, Box[]>()
  private readonly large: Box[] = []

  constructor(private readonly boxes: readonly Box[]) {
    for (const box of boxes) {
      const keys = this.keysAround(box, 0)
      if (keys === null) this.large.push(box)
      else for (const key of keys) this.cells.set(key, [...(this.cells.get(key) ?? []), box])
    }
  }

  /** A box within `gap` of `box`, if there is one. */
  blockerNear(box: Box, gap: number): Box | null {
    const near = (other: Box) => intersects(box, other, gap)
    const large = this.large.find(near)
    if (large) return large
    const keys = this.keysAround(box, gap)
    if (keys === null) return this.boxes.find(near) ?? null
    for (const key of keys) {
      const found = this.cells.get(key)?.find(near)
      if (found) return found
    }
    return null
  }

  private keysAround(box: Box, gap: number): number[] | null {
    const [x0, x1] = [Math.floor((box.x - gap) / CELL), Math.floor((box.x + box.w + gap) / CELL)]
    const [y0, y1] = [Math.floor((box.y - gap) / CELL), Math.floor((box.y + box.h + gap) / CELL)]
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) return null
    // Cells far apart may share a key; that only costs a few extra checks.
    const keys: number[] = []
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) keys.push(x * 1_000_003 + y)
    return keys
  }
}
