/**
 * Think alone, then reveal, as the client decides it: how many are ready (people, not tabs;
 * observers and facilitators who did not take part left out), which drafts a round lists, where
 * a person's drafts land when revealed, and which stored personal tokens are accepted.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { createDraft, listDrafts, markDraftRevealed, type DraftData, type ThinkAloneRound } from '../../shared/board/drafts'
import { draftPlacement, draftsForRound, personSlot, setDraftAnonymous } from '../../client/drafts/draftsModel'
import { parsePersonalToken } from '../../client/board/personalToken'
import { countReady, isLocallyReady, publishReady } from '../../client/drafts/readiness'

const presence = (userId: string) => ({ userId, userName: userId, color: '#f80' })
const states = (...entries: Array<Record<string, unknown>>) => entries.map((state, index) => [index + 1, state] as [number, Record<string, unknown>])

describe('ready count', () => {
  test('counts members present and how many of them said ready in this round', () => {
    const count = countReady(
      states(
        { presence: presence('fay'), role: 'facilitator' },
        { presence: presence('ada'), role: 'member', draftsReady: { roundId: 'r1', ready: true } },
        { presence: presence('bea'), role: 'member', draftsReady: { roundId: 'r1', ready: false } },
        { presence: presence('cal'), role: 'member' },
        { presence: presence('olu'), role: 'observer' },
      ),
      'r1',
    )
    expect(count).toEqual({ ready: 1, total: 3 })
  })

  test('readiness from an earlier round does not count', () => {
    const count = countReady(states({ presence: presence('ada'), role: 'member', draftsReady: { roundId: 'r0', ready: true } }), 'r1')
    expect(count).toEqual({ ready: 0, total: 1 })
  })

  test('a person with two tabs counts once, ready if either tab is', () => {
    const count = countReady(
      states({ presence: presence('ada'), role: 'member' }, { presence: presence('ada'), role: 'member', draftsReady: { roundId: 'r1', ready: true } }),
      'r1',
    )
    expect(count).toEqual({ ready: 1, total: 1 })
  })

  test('a facilitator who takes part counts; malformed fields and missing presence do not', () => {
    const count = countReady(
      states(
        { presence: presence('fay'), role: 'facilitator', draftsReady: { roundId: 'r1', ready: true } },
        { presence: presence('ada'), role: 'member', draftsReady: { roundId: 'r1', ready: 'yes' } },
        { role: 'member', draftsReady: { roundId: 'r1', ready: true } },
      ),
      'r1',
    )
    expect(count).toEqual({ ready: 1, total: 2 })
  })

  test('publishing readiness sets the awareness field this client reads back', () => {
    const awareness = new Awareness(new Y.Doc())
    publishReady(awareness, 'r1', true)
    expect(awareness.getLocalState()?.draftsReady).toEqual({ roundId: 'r1', ready: true })
    expect(isLocallyReady(awareness, 'r1')).toBe(true)
    expect(isLocallyReady(awareness, 'r2')).toBe(false)
    awareness.destroy()
  })
})

const draft = (id: string, revealedAt: number | null, roundId = 'r1'): DraftData => ({
  id,
  roundId,
  kind: 'idea',
  text: id,
  anonymous: false,
  author: { id: 'ada', name: 'Ada', color: '#f80' },
  createdAt: 0,
  parentId: 'page:page',
  x: 0,
  y: 0,
  w: 240,
  h: 160,
  revealedCardId: revealedAt === null ? null : `card:${id}`,
  revealedAt,
})
const round = (status: ThinkAloneRound['status'], revealedAt: number | null): ThinkAloneRound => ({ roundId: 'r1', status, openedAt: 100, revealedAt })

describe('drafts listed for a round', () => {
  const drafts = [draft('earlier-round', 50, 'r0'), draft('kept-private', null, 'r0'), draft('this-round', 1_000), draft('late', 1_500), draft('private', null)]

  test('the drafts written for the round on screen, revealed or not', () => {
    expect(draftsForRound(drafts, round('revealed', 1_000)).map((d) => d.id)).toEqual(['this-round', 'late', 'private'])
  })

  test('drafts an earlier round kept private are not listed (nor revealed) again', () => {
    expect(draftsForRound(drafts, round('open', null)).map((d) => d.id)).not.toContain('kept-private')
  })

  test('without a round: none', () => {
    expect(draftsForRound(drafts, null)).toEqual([])
  })
})

describe('anonymous drafts', () => {
  test('the author may change whether a draft goes out anonymously until it is revealed', () => {
    const doc = new Y.Doc()
    const author = { id: 'ada', name: 'Ada', color: '#f80' }
    createDraft(doc, {
      id: 'd1',
      roundId: 'r1',
      kind: 'idea',
      text: 'buddy',
      anonymous: false,
      author,
      now: 1,
      parentId: 'page:page',
      x: 0,
      y: 0,
      w: 240,
      h: 160,
    })
    setDraftAnonymous(doc, 'd1', true)
    expect(listDrafts(doc)[0].anonymous).toBe(true)
    markDraftRevealed(doc, 'd1', 'card:1', 2)
    setDraftAnonymous(doc, 'd1', false)
    expect(listDrafts(doc)[0].anonymous).toBe(true)
    setDraftAnonymous(doc, 'missing', true)
    expect(listDrafts(doc)).toHaveLength(1)
  })
})

describe('draft placement', () => {
  const size = { w: 240, h: 160 }

  const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) =>
    a.x < b.x + size.w && b.x < a.x + size.w && a.y < b.y + size.h && b.y < a.y + size.h

  test('the first draft is centred in the viewport', () => {
    expect(draftPlacement({ x: 500, y: 400 }, 0, size)).toEqual({ x: 380, y: 320 })
  })

  test('no two drafts overlap: neither one person’s nor those of people in different slots', () => {
    const placed = [0, 1, 2, 3, 4, 5].flatMap((slot) => Array.from({ length: 13 }, (_, index) => draftPlacement({ x: 0, y: 0 }, index, size, slot)))
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlap(a, b)).toBe(false)
    }
  })

  test('a person’s slot is one of six and the same every time', () => {
    expect(personSlot('AbCdEfGhIjKlMnOpQrStUv')).toBe(personSlot('AbCdEfGhIjKlMnOpQrStUv'))
    const slots = new Set(Array.from({ length: 60 }, (_, i) => personSlot(`person-${i}`)))
    expect([...slots].every((slot) => slot >= 0 && slot < 6)).toBe(true)
    expect(slots.size).toBe(6)
  })
})

describe('stored personal token', () => {
  const valid = { personId: 'AbCdEfGhIjKlMnOpQrStUv', personToken: 'token' }

  test('accepts what the server issued, as stored', () => {
    expect(parsePersonalToken(JSON.stringify(valid))).toEqual(valid)
  })

  test('refuses broken JSON, a malformed person id, and a missing token', () => {
    expect(parsePersonalToken('{')).toBeNull()
    expect(parsePersonalToken(null)).toBeNull()
    expect(parsePersonalToken({ ...valid, personId: '../x' })).toBeNull()
    expect(parsePersonalToken({ personId: valid.personId })).toBeNull()
  })
})
