/**
 * The one free-space search (shared/board/freeSpace.ts) that keyboard cards, the server's reveal,
 * imports and templates place cards with: the spot it returns keeps the gap from every box, is the
 * centred one when that is free, and is near the point asked for, on seeded random boards.
 */
import { describe, expect, test } from 'vitest'
import { FREE_SPACE_GAP, findFreeSpot, type Box } from '../../shared/board/freeSpace'

/** A small seeded generator (mulberry32), so a failure names the seed that replays it. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const apart = (a: Box, b: Box) => Math.max(b.x - (a.x + a.w), a.x - (b.x + b.w), b.y - (a.y + a.h), a.y - (b.y + b.h))

describe('free space for new cards', () => {
  test('on an empty page the card is centred on the point', () => {
    expect(findFreeSpot({ w: 240, h: 160 }, [], { x: 100, y: 100 }, FREE_SPACE_GAP)).toEqual({ x: -20, y: 20 })
  })

  test('a card next to one in the middle of the view keeps the gap, right beside it', () => {
    const existing = [{ x: -120, y: -80, w: 240, h: 160 }]
    const spot = findFreeSpot({ w: 240, h: 160 }, existing, { x: 0, y: 0 }, FREE_SPACE_GAP)
    expect(apart({ ...spot, w: 240, h: 160 }, existing[0])).toBe(FREE_SPACE_GAP)
  })

  for (const seed of [1, 2, 3, 42, 2026]) {
    test(`on a crowded random board (seed ${seed}) every spot keeps the gap from everything, and stays near`, () => {
      const next = random(seed)
      const existing: Box[] = Array.from({ length: 300 }, () => ({
        x: Math.round(next() * 4000 - 2000),
        y: Math.round(next() * 3000 - 1500),
        w: 40 + Math.round(next() * 400),
        h: 40 + Math.round(next() * 300),
      }))
      for (let i = 0; i < 20; i++) {
        const size = { w: 240, h: 160 + Math.round(next() * 200) }
        const near = { x: next() * 2000 - 1000, y: next() * 1500 - 750 }
        const spot = findFreeSpot(size, existing, near, FREE_SPACE_GAP)
        const placed = { ...spot, ...size }
        for (const box of existing) expect(apart(placed, box), `seed ${seed}, card ${i}`).toBeGreaterThanOrEqual(FREE_SPACE_GAP)
        existing.push(placed)
      }
    })
  }
})
