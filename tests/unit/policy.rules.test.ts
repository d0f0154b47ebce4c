/**
 * The board's rules as pure decisions (server/policy/boardRules.ts): every role against every
 * document and HTTP action, with the board open, locked, and in each preset phase.
 */
import { describe, expect, test } from 'vitest'
import { BOARD_DOC_KINDS, type BoardDocKind } from '../../shared/board/docNames'
import type { MemberAction } from '../../shared/board/facilitation'
import { BOARD_ROLES } from '../../shared/board/roles'
import { boardAction, documentWrite, type BoardAction, type BoardState } from '../../shared/board/boardRules'

const open: BoardState = { locked: false, memberActions: null }
const locked: BoardState = { locked: true, memberActions: null }
const phase = (...actions: MemberAction[]): BoardState => ({ locked: false, memberActions: actions })

const writes = (state: BoardState) =>
  Object.fromEntries(BOARD_ROLES.map((role) => [role, Object.fromEntries(BOARD_DOC_KINDS.map((kind) => [kind, documentWrite(role, kind, state).allowed]))]))

describe('who may write which document', () => {
  test('on an open board: facilitators everything but people; members canvas, conversation and their drafts; observers nothing', () => {
    expect(writes(open)).toEqual({
      facilitator: { canvas: true, conversation: true, control: true, people: false, drafts: true },
      member: { canvas: true, conversation: true, control: false, people: false, drafts: true },
      observer: { canvas: false, conversation: false, control: false, people: false, drafts: false },
    })
  })

  test('locked: members keep only their private drafts; the facilitator is not bound', () => {
    expect(writes(locked).member).toEqual({ canvas: false, conversation: false, control: false, people: false, drafts: true })
    expect(writes(locked).facilitator).toEqual(writes(open).facilitator)
    expect(documentWrite('member', 'canvas', locked)).toEqual({ allowed: false, reason: 'the board is locked', transient: true })
  })

  test.each<[string, BoardState, Partial<Record<BoardDocKind, boolean>>]>([
    ['Think alone', phase(), { canvas: false, conversation: false, drafts: true }],
    ['Share', phase('reply', 'react'), { canvas: false, conversation: true }],
    ['Link and cluster', phase('arrange', 'link', 'reply'), { canvas: true, conversation: true }],
    ['Vote', phase('vote'), { canvas: false, conversation: false }],
    ['Synthesise', phase('add-cards', 'reply'), { canvas: true, conversation: true }],
    ['react only', phase('react'), { canvas: false, conversation: true }],
  ])('in %s a member writes %j', (_name, state, expected) => {
    for (const [kind, allowed] of Object.entries(expected)) expect(documentWrite('member', kind as BoardDocKind, state).allowed).toBe(allowed)
  })

  test('phase and lock refusals are transient (held and resynced); role refusals are for good', () => {
    expect(documentWrite('member', 'canvas', phase('reply'))).toMatchObject({ allowed: false, transient: true })
    expect(documentWrite('member', 'conversation', phase('vote'))).toMatchObject({
      allowed: false,
      transient: true,
      reason: 'this phase does not allow replies or reactions',
    })
    expect(documentWrite('observer', 'canvas', open)).toMatchObject({ allowed: false, transient: false })
    expect(documentWrite('member', 'control', open)).toMatchObject({ allowed: false, transient: false })
    expect(documentWrite('facilitator', 'people', open)).toMatchObject({ allowed: false, transient: false })
  })
})

describe('who may take which action over HTTP', () => {
  const decide = (action: BoardAction, state: BoardState) => Object.fromEntries(BOARD_ROLES.map((role) => [role, boardAction(role, action, state).allowed]))

  test('reveal and opening or closing votes are the facilitator’s alone', () => {
    for (const action of ['reveal-drafts', 'open-vote', 'close-vote'] as const) {
      expect(decide(action, open)).toEqual({ facilitator: true, member: false, observer: false })
    }
  })

  test('anonymous cards and uploads follow the canvas: locked is 423, a phase without cards is 403', () => {
    expect(decide('post-anonymous-card', open)).toEqual({ facilitator: true, member: true, observer: false })
    expect(boardAction('member', 'post-anonymous-card', locked)).toMatchObject({ allowed: false, status: 423 })
    expect(boardAction('member', 'upload-asset', locked)).toMatchObject({ allowed: false, status: 423 })
    expect(boardAction('member', 'post-anonymous-card', phase('reply', 'react'))).toMatchObject({ allowed: false, status: 403 })
    // Moving cards is allowed but adding them is not: an anonymous card is an added card.
    expect(boardAction('member', 'post-anonymous-card', phase('arrange'))).toMatchObject({ allowed: false, status: 403 })
    expect(boardAction('member', 'claim-card', phase('arrange')).allowed).toBe(true)
    expect(boardAction('facilitator', 'post-anonymous-card', locked).allowed).toBe(true)
  })

  test('ballots: members while the phase allows voting, facilitators always, observers never', () => {
    expect(decide('cast-ballot', phase('vote'))).toEqual({ facilitator: true, member: true, observer: false })
    expect(decide('cast-ballot', phase('reply'))).toEqual({ facilitator: true, member: false, observer: false })
    expect(boardAction('member', 'cast-ballot', open).allowed).toBe(true)
  })

  test('anyone with a personal token may rename themselves', () => {
    expect(decide('rename-self', locked)).toEqual({ facilitator: true, member: true, observer: true })
  })
})
