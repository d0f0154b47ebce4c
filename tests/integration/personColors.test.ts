/**
 * The colours the server gives people joining a board: four people asking at the same moment get
 * four different colours, and the first colours given are far apart on the colour wheel (no two
 * near-identical greens), against the real server process.
 */
import { describe, expect, test } from 'vitest'
import { ASSIGNMENT_ORDER, PERSON_COLORS, leastUsedColor } from '../../shared/board/personColors'
import { useBoardServer } from '../helpers/boardServer'

const suite = useBoardServer()

function hue(color: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(color.slice(at, at + 2), 16) / 255)
  const max = Math.max(r, g, b)
  const d = max - Math.min(r, g, b)
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4
  return (h * 60 + 360) % 360
}

const hueDistance = (a: string, b: string) => {
  const d = Math.abs(hue(a) - hue(b))
  return Math.min(d, 360 - d)
}

function closestPair(colors: readonly string[]): number {
  let closest = 360
  for (const [i, a] of colors.entries()) for (const b of colors.slice(i + 1)) closest = Math.min(closest, hueDistance(a, b))
  return closest
}

describe('colours for people on a board', () => {
  test('the assignment order holds every palette colour once, the first four at least 50° apart in hue, the first six 40°', () => {
    expect([...ASSIGNMENT_ORDER].sort()).toEqual([...PERSON_COLORS].sort())
    expect(closestPair(ASSIGNMENT_ORDER.slice(0, 4))).toBeGreaterThanOrEqual(50)
    expect(closestPair(ASSIGNMENT_ORDER.slice(0, 6))).toBeGreaterThanOrEqual(40)
    const given: string[] = []
    for (let i = 0; i < 4; i++) given.push(leastUsedColor(given))
    expect(given).toEqual(ASSIGNMENT_ORDER.slice(0, 4))
  })

  test('four people joining at the same moment get four different colours, far apart', async () => {
    const join = async () => {
      const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${suite.board.tokens.member}` },
      })
      expect(response.status).toBe(201)
      const { personToken } = (await response.json()) as { personToken: string }
      const me = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people/me`, { headers: { Authorization: `Bearer ${personToken}` } })
      return ((await me.json()) as { person: { color: string } }).person.color
    }
    const colors = await Promise.all([join(), join(), join(), join()])
    expect(new Set(colors).size).toBe(4)
    expect(closestPair(colors)).toBeGreaterThanOrEqual(50)
  })
})
