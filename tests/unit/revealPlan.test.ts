/**
 * What a reveal writes (server/board/revealPlan.ts), on plain Y.Docs: drafts land on their page
 * (the first page when theirs is gone), above what is there, in free space; a draft whose record
 * tldraw would refuse is left out with the reason while the others go ahead; anonymous cards carry
 * nothing of their draft but kind and text, in the order given; nothing is placed twice.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readCard } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE } from '../../shared/board/contributionShape'
import type { DraftData } from '../../shared/board/drafts'
import { planReveal, revealedIds, writePlannedCards, type DraftToReveal } from '../../server/board/revealPlan'
import { shapeBoundsOnPage } from '../../server/board/revealLayout'

type ShapeRecord = { id: string; parentId: string; index: string; x: number; y: number; props: { w: number; h: number; cardId: string } }

const person = (name: string) => ({ id: `user-${name}`, name, color: '#2f9e44' })

function draft(docName: string, id: string, overrides: Partial<DraftData> = {}): DraftToReveal {
  return {
    docName,
    draft: {
      id,
      roundId: 'r1',
      kind: 'idea',
      text: `${docName} ${id}`,
      anonymous: false,
      author: person(docName),
      createdAt: 1_000,
      parentId: 'page:page',
      x: 0,
      y: 0,
      w: 240,
      h: 160,
      revealedCardId: null,
      revealedAt: null,
      ...overrides,
    },
  }
}

function canvas(extra: Array<Record<string, unknown>> = []): Y.Doc {
  const doc = new Y.Doc()
  const records = doc.getMap(TLDRAW_RECORDS_MAP)
  records.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
  for (const record of extra) records.set(String(record.id), record)
  return doc
}

const existingCard = {
  id: 'shape:there',
  typeName: 'shape',
  type: 'geo',
  parentId: 'page:page',
  index: 'a5',
  x: -100,
  y: -100,
  rotation: 0,
  isLocked: false,
  opacity: 1,
  props: { w: 400, h: 300 },
  meta: {},
}
const shapeOf = (doc: Y.Doc, docName: string, draftId: string) => doc.getMap<ShapeRecord>(TLDRAW_RECORDS_MAP).get(revealedIds(docName, draftId).shapeId)

describe('planning a reveal', () => {
  test('named groups and the anonymous block go above and beside what is there, named first, anonymous in the order given', () => {
    const doc = canvas([existingCard])
    const groups = [[draft('ada', 'd1'), draft('ada', 'd2', { w: 300, h: 200 })], [draft('bea', 'd1')]]
    const anonymous = [
      draft('bea', 'd2', { anonymous: true, w: 999, h: 999, createdAt: 5 }),
      draft('ada', 'd3', { anonymous: true }),
      draft('bea', 'd3', { anonymous: true }),
    ]
    const plan = planReveal(doc, { groups, anonymous })
    expect(plan.skipped).toEqual([])
    writePlannedCards(doc, plan.named, 9_000)
    writePlannedCards(doc, plan.anonymous, 9_000)

    const named = groups.flat().map(({ docName, draft: d }) => shapeOf(doc, docName, d.id)!)
    const anonymousShapes = anonymous.map(({ docName, draft: d }) => shapeOf(doc, docName, d.id)!)
    expect(named[1].props).toMatchObject({ w: 300, h: 200 })
    for (const shape of anonymousShapes) expect(shape.props).toMatchObject(CONTRIBUTION_DEFAULT_SIZE)
    const indices = [...named, ...anonymousShapes].map((shape) => shape.index)
    expect(indices.every((index) => index > existingCard.index)).toBe(true)
    expect([...indices].sort()).toEqual(indices)
    // The anonymous grid fills row by row in the order given.
    expect(anonymousShapes[0].y).toBe(anonymousShapes[1].y)
    expect(anonymousShapes[0].x).toBeLessThan(anonymousShapes[1].x)
    const there = shapeBoundsOnPage([existingCard], 'page:page')[0]
    for (const shape of [...named, ...anonymousShapes]) {
      const inside = shape.x < there.x + there.w && there.x < shape.x + shape.props.w && shape.y < there.y + there.h && there.y < shape.y + shape.props.h
      expect(inside).toBe(false)
    }
  })

  test('anonymous cards are dated at the reveal and carry no author; named ones keep theirs and their createdAt', () => {
    const doc = canvas()
    const plan = planReveal(doc, {
      groups: [[draft('ada', 'named', { createdAt: 1234 })]],
      anonymous: [draft('ada', 'secret', { anonymous: true, createdAt: 1235 })],
    })
    writePlannedCards(doc, [...plan.named, ...plan.anonymous], 9_000)
    const secret = readCard(doc, revealedIds('ada', 'secret').cardId)!
    expect(secret).toMatchObject({ author: null, anonymous: true, createdAt: 9_000, text: 'ada secret' })
    expect(readCard(doc, revealedIds('ada', 'named').cardId)).toMatchObject({ author: person('ada'), anonymous: false, createdAt: 1234 })
    const map = doc.getMap<Y.Map<unknown>>(CARDS_MAP).get(secret.id)!
    expect(map.get('revealedAt')).toBe(9_000)
    expect(map.get('revealedText')).toBe('ada secret')
    expect(JSON.stringify(map.toJSON())).not.toContain('user-ada')
  })

  test('a draft whose page is gone lands on the first page; the anonymous block goes to the page most drafts are on', () => {
    const doc = canvas([{ id: 'page:second', typeName: 'page', name: 'Page 2', index: 'a2', meta: {} }])
    const plan = planReveal(doc, {
      groups: [
        [draft('ada', 'gone', { parentId: 'page:deleted' }), draft('ada', 'two', { parentId: 'page:second' })],
        [draft('bea', 'two', { parentId: 'page:second' }), draft('bea', 'three', { parentId: 'page:second' })],
      ],
      anonymous: [draft('ada', 'a', { anonymous: true, parentId: 'page:page' })],
    })
    writePlannedCards(doc, [...plan.named, ...plan.anonymous], 1)
    expect(shapeOf(doc, 'ada', 'gone')!.parentId).toBe('page:page')
    expect(shapeOf(doc, 'ada', 'two')!.parentId).toBe('page:second')
    expect(shapeOf(doc, 'ada', 'a')!.parentId).toBe('page:second')
  })

  test('a draft whose record tldraw would refuse is left out with the reason; the others are placed', () => {
    const doc = canvas()
    const plan = planReveal(doc, { groups: [[draft('ada', 'broken', { w: -5 }), draft('ada', 'fine')]], anonymous: [] })
    expect(plan.skipped).toHaveLength(1)
    expect(plan.skipped[0]).toMatch(/not a valid tldraw record: props\.w/)
    expect(plan.named.map((card) => card.draftId)).toEqual(['fine'])
  })

  test('what is on the canvas already is not placed again, and ids depend on the drafts document as well as the draft', () => {
    const doc = canvas()
    const first = planReveal(doc, { groups: [[draft('ada', 'd1')]], anonymous: [draft('ada', 'd2', { anonymous: true })] })
    writePlannedCards(doc, [...first.named, ...first.anonymous], 1)
    const before = Y.encodeStateVector(doc)
    const again = planReveal(doc, { groups: [[draft('ada', 'd1')]], anonymous: [draft('ada', 'd2', { anonymous: true })] })
    expect([...again.named, ...again.anonymous].map((card) => [card.card, card.shape])).toEqual([
      [null, null],
      [null, null],
    ])
    writePlannedCards(doc, [...again.named, ...again.anonymous], 2)
    expect(Y.encodeStateVector(doc)).toEqual(before)
    expect(revealedIds('ada', 'd1')).toEqual(revealedIds('ada', 'd1'))
    expect(revealedIds('ada', 'd1').cardId).not.toBe(revealedIds('bea', 'd1').cardId)
  })
})
