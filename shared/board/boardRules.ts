/**
 * The board's rules, as pure decisions: who may write which document now, and who may take
 * which action over HTTP, by role, document, phase and lock. The server enforces them (the relay
 * through server/policy/boardPolicy.ts, and every HTTP route); the client asks the same functions
 * to shape its UI (client/board/permissions.ts). One home, one set of tests
 * (tests/unit/policy.rules.test.ts).
 *
 * | what | facilitator | member | observer |
 * | --- | --- | --- | --- |
 * | canvas (cards, shapes, links) | always | unless locked; phase allows add-cards, arrange or link | never |
 * | conversation (threads, reactions, tours) | always | unless locked; phase allows reply or react | never |
 * | control (problem, phases, timer, lock) | always | never | never |
 * | people (members) | never: the server writes it | never | never |
 * | own drafts | always | always (thinking alone is private) | never |
 * | anonymous card, edit or claim it, upload | always | as the canvas | never |
 * | ballot | while the round is open | phase allows vote | never |
 * | reveal, open and close votes | yes | no | no |
 * | read history (any moment, read only) | yes | yes | yes |
 * | restore a moment as a new board | yes | no | no |
 *
 * @example
 *   const state = { locked: false, memberActions: ['reply', 'react'] }  // the Share phase
 *   documentWrite('member', 'canvas', state)        // { allowed: false, reason: '…', transient: true }
 *   documentWrite('member', 'conversation', state)  // { allowed: true }
 */
import type * as Y from 'yjs'
import type { BoardDocKind } from './docNames'
import { isBoardLocked, readCurrentPhase, type MemberAction } from './facilitation'
import type { BoardRole } from './roles'

/** What the facilitation layer says right now, read from the control document. */
export interface BoardState {
  locked: boolean
  /** What members may do in the current phase; null outside phases (everything). */
  memberActions: readonly MemberAction[] | null
}

export const OPEN_BOARD: BoardState = { locked: false, memberActions: null }

/** The state the rules need, read from a board's control document. */
export function readBoardState(controlDoc: Y.Doc): BoardState {
  return { locked: isBoardLocked(controlDoc), memberActions: readCurrentPhase(controlDoc)?.memberActions ?? null }
}

export type WriteDecision =
  | { allowed: true }
  /**
   * `transient` refusals last only while the board is locked or the phase forbids it: the
   * connection stays open and read-only, its changes are held by the client and resynced once
   * allowed. The others are for good (an observer, a member on the control document).
   */
  | { allowed: false; reason: string; transient: boolean }

/** What members' actions each shared document carries. */
export const DOCUMENT_ACTIONS: Readonly<Record<'canvas' | 'conversation', readonly MemberAction[]>> = {
  canvas: ['add-cards', 'arrange', 'link'],
  conversation: ['reply', 'react'],
}

const ALLOWED = { allowed: true } as const

function phaseAllowsAny(state: BoardState, actions: readonly MemberAction[]): boolean {
  return state.memberActions === null || actions.some((action) => state.memberActions!.includes(action))
}

/** Whether `role` may change a document of `kind` now. */
export function documentWrite(role: BoardRole, kind: BoardDocKind, state: BoardState): WriteDecision {
  if (kind === 'people') return { allowed: false, reason: 'only the server changes this', transient: false }
  if (role === 'observer') {
    return { allowed: false, reason: kind === 'conversation' ? 'observers cannot reply or react' : 'observers cannot change the board', transient: false }
  }
  if (kind === 'control') {
    return role === 'facilitator' ? ALLOWED : { allowed: false, reason: 'only facilitators can change this', transient: false }
  }
  if (role === 'facilitator' || kind === 'drafts') return ALLOWED
  if (state.locked) return { allowed: false, reason: 'the board is locked', transient: true }
  const actions = kind === 'canvas' || kind === 'conversation' ? DOCUMENT_ACTIONS[kind] : []
  if (!phaseAllowsAny(state, actions)) {
    return {
      allowed: false,
      reason: kind === 'canvas' ? 'this phase does not allow changes to the board' : 'this phase does not allow replies or reactions',
      transient: true,
    }
  }
  return ALLOWED
}

/** Actions taken over HTTP, each decided here. */
export type BoardAction =
  | 'post-anonymous-card'
  | 'edit-anonymous-card'
  | 'claim-card'
  | 'upload-asset'
  | 'cast-ballot'
  | 'reveal-drafts'
  | 'open-vote'
  | 'close-vote'
  | 'rename-self'
  | 'prune-assets'
  | 'replace-link'
  | 'delete-board'
  | 'read-history'
  | 'restore-history'

export type ActionDecision = { allowed: true } | { allowed: false; status: 403 | 423; message: string }

const FACILITATOR_ACTIONS: Partial<Record<BoardAction, string>> = {
  'reveal-drafts': 'Only facilitators reveal drafts.',
  'open-vote': 'Only facilitators open a vote.',
  'close-vote': 'Only facilitators close a vote.',
  'prune-assets': 'Only facilitators remove unused files.',
  'replace-link': 'Only facilitators replace a board link.',
  'delete-board': 'Only facilitators delete a board.',
  'restore-history': 'Only facilitators restore a version as a new board.',
}

/** Whether `role` may take `action` now. */
export function boardAction(role: BoardRole, action: BoardAction, state: BoardState): ActionDecision {
  const facilitatorOnly = FACILITATOR_ACTIONS[action]
  if (facilitatorOnly) return role === 'facilitator' ? ALLOWED : { allowed: false, status: 403, message: facilitatorOnly }
  if (action === 'rename-self' || action === 'read-history') return ALLOWED
  if (role === 'observer') {
    const message =
      action === 'cast-ballot' ? 'Observers cannot vote.' : action === 'upload-asset' ? 'Observers cannot add images.' : 'Observers cannot add or change cards.'
    return { allowed: false, status: 403, message }
  }
  if (action === 'cast-ballot') {
    if (role === 'facilitator' || phaseAllowsAny(state, ['vote'])) return ALLOWED
    return { allowed: false, status: 403, message: 'This phase does not allow voting.' }
  }
  // Cards and uploads change the canvas: the canvas rule decides, with the action's own phase right.
  const canvas = documentWrite(role, 'canvas', state)
  if (!canvas.allowed) {
    return {
      allowed: false,
      status: state.locked ? 423 : 403,
      message: state.locked ? 'The board is locked.' : 'This phase does not allow changes to the board.',
    }
  }
  if (role === 'member' && action === 'post-anonymous-card' && !phaseAllowsAny(state, ['add-cards'])) {
    return { allowed: false, status: 403, message: 'This phase does not allow adding cards.' }
  }
  return ALLOWED
}
