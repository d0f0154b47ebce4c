/**
 * Where revealed drafts go (server/board/revealLayout.ts): the page-space bounds of what is on a
 * page, read from tldraw records (cards, frames and their children, rotated shapes, arrows, lines, notes); and a layout that puts each person's group together and the
 * anonymous block apart, near where people were looking, never on anything on the page or on each
 * other — checked over many seeded random pages (REVEAL_LAYOUT_SEED=<seed> replays a run).
 */
import { describe, expect, test } from 'vitest'
import {
  CARD_GAP,
  REVEAL_GAP,
  STROKE_REACH,
  UNKNOWN_REACH,
  layoutReveal,
  shapeBoundsOnPage,
  type Box,
  type Point,
  type Size,
} from '../../server/board/revealLayout'
import { mulberry32 } from '../helpers/rawSocket'

const seed = Number(process.env.REVEAL_LAYOUT_SEED ?? Math.floor(Math.random() * 2 ** 31))

const shape = (id: string, parentId: string, x: number, y: number, props: Record<string, unknown>, rotation = 0) => ({
  id,
  typeName: 'shape',
  type: 'geo',
  parentId,
  index: 'a1',
  x,
  y,
  rotation,
  isLocked: false,
  opacity: 1,
  props,
  meta: {},
})

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
const distanceBetween = (a: Box, b: Box) => Math.max(b.x - (a.x + a.w), a.x - (b.x + b.w), b.y - (a.y + a.h), a.y - (b.y + b.h))
const boundsOf = (boxes: Box[]): Box => {
  const x = Math.min(...boxes.map((b) => b.x))
  const y = Math.min(...boxes.map((b) => b.y))
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y }
}
const boxes = (corners: Point[], sizes: readonly Size[]): Box[] => corners.map((corner, i) => ({ ...corner, ...sizes[i] }))

describe('what is on the page', () => {
  test('cards count with their size, children of frames where the frame puts them, rotated shapes with their whole extent', () => {
    const records = [
      { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
      shape('shape:card', 'page:page', 100, 50, { w: 240, h: 160, cardId: 'card:x' }),
      shape('shape:frame', 'page:page', 1000, 1000, { w: 800, h: 600 }),
      shape('shape:inFrame', 'shape:frame', 20, 30, { w: 100, h: 50 }),
      shape('shape:turned', 'page:page', 0, 0, { w: 100, h: 100 }, Math.PI / 4),
    ]
    const bounds = shapeBoundsOnPage(records, 'page:page')
    expect(bounds).toHaveLength(4)
    expect(bounds).toContainEqual({ x: 100, y: 50, w: 240, h: 160 })
    expect(bounds).toContainEqual({ x: 1020, y: 1030, w: 100, h: 50 })
    const turned = bounds.find((b) => Math.abs(b.w - 100 * Math.SQRT2) < 1e-6)!
    expect(turned.x).toBeCloseTo(-50 * Math.SQRT2)
    expect(turned.y).toBeCloseTo(0)
    expect(turned.h).toBeCloseTo(100 * Math.SQRT2)
  })

  test('a shape in a rotated frame is where the rotation takes it', () => {
    const records = [shape('shape:frame', 'page:page', 0, 0, { w: 400, h: 400 }, Math.PI / 2), shape('shape:child', 'shape:frame', 100, 0, { w: 10, h: 10 })]
    const child = shapeBoundsOnPage(records, 'page:page').find((b) => b.w < 20)!
    expect(child.x).toBeCloseTo(-10)
    expect(child.y).toBeCloseTo(100)
  })

  test('arrows span their ends (an end bound to a shape is at its centre), lines their points, notes their size', () => {
    const arrow = { ...shape('shape:arrow', 'page:page', 500, 500, { start: { x: 0, y: 0 }, end: { x: 100, y: 0 }, bend: 10 }), type: 'arrow' }
    const link = { ...shape('shape:link', 'page:page', 0, 0, { start: { x: 0, y: 0 }, end: { x: 1, y: 1 }, bend: 0 }), type: 'arrow' }
    const binding = (terminal: string, toId: string) => ({
      id: `binding:${terminal}`,
      typeName: 'binding',
      type: 'arrow',
      fromId: 'shape:link',
      toId,
      props: { terminal },
      meta: {},
    })
    const records = [
      arrow,
      link,
      shape('shape:from', 'page:page', 2000, 0, { w: 200, h: 100 }),
      shape('shape:to', 'page:page', 4000, 1000, { w: 200, h: 100 }),
      binding('start', 'shape:from'),
      binding('end', 'shape:to'),
      {
        ...shape('shape:line', 'page:page', 100, 100, { points: { a1: { id: 'a1', index: 'a1', x: 0, y: 0 }, a2: { id: 'a2', index: 'a2', x: 300, y: -50 } } }),
        type: 'line',
      },
      { ...shape('shape:note', 'page:page', -1000, -1000, { scale: 2, growY: 50 }), type: 'note' },
    ]
    const bounds = shapeBoundsOnPage(records, 'page:page')
    expect(bounds).toContainEqual({ x: 500 - STROKE_REACH - 10, y: 500 - STROKE_REACH - 10, w: 100 + 2 * (STROKE_REACH + 10), h: 2 * (STROKE_REACH + 10) })
    expect(bounds).toContainEqual({ x: 2100 - STROKE_REACH, y: 50 - STROKE_REACH, w: 2000 + 2 * STROKE_REACH, h: 1000 + 2 * STROKE_REACH })
    expect(bounds).toContainEqual({ x: 100 - STROKE_REACH, y: 50 - STROKE_REACH, w: 300 + 2 * STROKE_REACH, h: 50 + 2 * STROKE_REACH })
    expect(bounds).toContainEqual({ x: -1000, y: -1000, w: 400, h: 500 })
  })

  test('shapes whose extent the props do not give reach UNKNOWN_REACH from their origin; other pages, orphans and parent cycles are left out', () => {
    const records = [
      { ...shape('shape:drawing', 'page:page', 500, 500, { segments: [] }), type: 'draw' },
      shape('shape:text', 'page:page', 0, 0, { w: 200 }),
      shape('shape:elsewhere', 'page:other', 0, 0, { w: 10, h: 10 }),
      shape('shape:orphan', 'shape:gone', 0, 0, { w: 10, h: 10 }),
      shape('shape:loopA', 'shape:loopB', 0, 0, { w: 10, h: 10 }),
      shape('shape:loopB', 'shape:loopA', 0, 0, { w: 10, h: 10 }),
      { id: 'shape:broken', typeName: 'shape', parentId: 'page:page', x: 'far', y: null, props: null },
      'not a record',
    ]
    const bounds = shapeBoundsOnPage(records, 'page:page')
    expect(bounds).toContainEqual({ x: 500 - UNKNOWN_REACH, y: 500 - UNKNOWN_REACH, w: 2 * UNKNOWN_REACH, h: 2 * UNKNOWN_REACH })
    expect(bounds).toContainEqual({ x: 0, y: -UNKNOWN_REACH, w: 200, h: 2 * UNKNOWN_REACH })
    expect(bounds).toContainEqual({ x: -UNKNOWN_REACH, y: -UNKNOWN_REACH, w: 2 * UNKNOWN_REACH, h: 2 * UNKNOWN_REACH })
    expect(bounds).toHaveLength(3)
  })
})

describe('the layout of a reveal', () => {
  const card: Size = { w: 240, h: 160 }

  test('on an empty page the reveal is centred where people were looking', () => {
    const layout = layoutReveal({ existing: [], groups: [[card, card]], anonymous: [card], near: { x: 1000, y: 1000 } })
    const all = boundsOf([...boxes(layout.groups[0], [card, card]), ...boxes(layout.anonymous, [card])])
    expect(Math.abs(all.x + all.w / 2 - 1000)).toBeLessThanOrEqual(1)
    expect(Math.abs(all.y + all.h / 2 - 1000)).toBeLessThanOrEqual(1)
  })

  test('a card where people were looking is not covered: the reveal goes right beside it', () => {
    const existing = [{ x: -120, y: -80, w: 240, h: 160 }]
    const layout = layoutReveal({ existing, groups: [[card], [card]], anonymous: [card, card, card], near: { x: 0, y: 0 } })
    const placed = [...boxes(layout.groups.flat(), [card, card]), ...boxes(layout.anonymous, [card, card, card])]
    for (const box of placed) expect(overlaps(box, existing[0])).toBe(false)
    expect(distanceBetween(boundsOf(placed), existing[0])).toBe(REVEAL_GAP)
  })

  test('the anonymous block is one grid of its own, below the named groups, which keep their cards in rows of three', () => {
    const groups = [[card, card, card, card], [card]]
    const anonymous = Array.from({ length: 9 }, () => card)
    const layout = layoutReveal({ existing: [], groups, anonymous, near: { x: 0, y: 0 } })
    const first = layout.groups[0]
    expect(first[1].x - first[0].x).toBe(card.w + CARD_GAP)
    expect(first[3]).toEqual({ x: first[0].x, y: first[0].y + card.h + CARD_GAP })
    const named = boundsOf(boxes(layout.groups.flat(), groups.flat()))
    const block = boundsOf(boxes(layout.anonymous, anonymous))
    expect(block.y - (named.y + named.h)).toBe(REVEAL_GAP)
    expect(new Set(layout.anonymous.map((p) => p.x)).size).toBe(3)
    expect(new Set(layout.anonymous.map((p) => p.y)).size).toBe(3)
  })

  test(`never on what is on the page nor on each other, groups together, over many random pages (seed ${seed})`, () => {
    const random = mulberry32(seed)
    const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
    for (let run = 0; run < 300; run++) {
      const spread = between(500, 6000)
      const existing: Box[] = Array.from({ length: between(0, 80) }, () => ({
        x: between(-spread, spread),
        y: between(-spread, spread),
        w: between(1, 900),
        h: between(1, 900),
      }))
      const sizes = () => ({ w: between(120, 600), h: between(80, 400) })
      const groups = Array.from({ length: between(0, 9) }, () => Array.from({ length: between(1, 7) }, sizes))
      const anonymous = Array.from({ length: between(0, 25) }, () => card)
      const near = { x: between(-spread, spread), y: between(-spread, spread) }
      const layout = layoutReveal({ existing, groups, anonymous, near })

      const context = `seed ${seed}, run ${run}`
      expect(
        layout.groups.map((g) => g.length),
        context,
      ).toEqual(groups.map((g) => g.length))
      expect(layout.anonymous, context).toHaveLength(anonymous.length)
      const blocks = [...layout.groups.map((corners, g) => boxes(corners, groups[g])), boxes(layout.anonymous, anonymous)].filter((b) => b.length > 0)
      const placed = blocks.flat()
      const problems: string[] = []
      for (const box of placed) {
        if (![box.x, box.y].every(Number.isFinite)) problems.push(`not a place: ${JSON.stringify(box)}`)
        for (const other of existing)
          if (distanceBetween(box, other) < REVEAL_GAP) problems.push(`${JSON.stringify(box)} too close to ${JSON.stringify(other)}`)
      }
      for (const [i, box] of placed.entries()) {
        for (const other of placed.slice(i + 1)) if (overlaps(box, other)) problems.push(`${JSON.stringify(box)} on ${JSON.stringify(other)}`)
      }
      // Each group (and the anonymous block) keeps to its own area: no other card comes inside it.
      for (const [b, block] of blocks.entries()) {
        const area = boundsOf(block)
        for (const [o, other] of blocks.entries()) for (const box of other) if (o !== b && overlaps(area, box)) problems.push(`block ${o} inside block ${b}`)
      }
      expect(problems, context).toEqual([])
    }
  })
})
