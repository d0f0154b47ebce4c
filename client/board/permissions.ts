/**
 * What this person may do on the board now, from their role and the control document's lock and
 * phase, as the relay decides it (shared/board/docNames.ts): facilitators may do everything,
 * observers nothing; members may do what the current phase allows while the board is not locked.
 * A member may write the canvas while they may add cards, arrange or link, and the conversation
 * while they may reply or react. Read through tldraw signals, so views and reactions follow the
 * control document as it changes.
 *
 * @example
 *   const permissions = createBoardPermissions(controlDoc, 'member')
 *   useValue('may reply', () => permissions.may('reply'), [permissions])
 *   permissions.dispose()
 */
import { atom, computed, type Computed } from 'tldraw'
import type * as Y from 'yjs'
import { FACILITATION_MAP, MEMBER_ACTIONS, isBoardLocked, membersMay, type MemberAction } from '../../shared/board/facilitation'
import type { BoardRole } from '../../shared/board/roles'
import { DOCUMENT_ACTIONS } from '../../shared/board/boardRules'
import type { HeldDocKind } from './heldChanges'

/** The member actions that change each document members write (the rules' own table). */
export const ACTIONS_BY_DOC: Readonly<Record<HeldDocKind, readonly MemberAction[]>> = DOCUMENT_ACTIONS

export interface BoardPermissions {
  /** Whether this person may do the action now (tracked). */
  may(action: MemberAction): boolean
  /** Whether the relay takes this person's changes to the document now (tracked). */
  mayWriteDoc(kind: HeldDocKind): boolean
  /** Whether members may not change anything because the facilitator locked the board (tracked). */
  isLocked(): boolean
  dispose(): void
}

export function createBoardPermissions(controlDoc: Y.Doc, role: BoardRole): BoardPermissions {
  const revision = atom('control revision', 0)
  const facilitation = controlDoc.getMap(FACILITATION_MAP)
  const bump = () => revision.update((value) => value + 1)
  facilitation.observeDeep(bump)

  const locked = computed('board locked', () => {
    revision.get()
    return isBoardLocked(controlDoc)
  })
  const byAction = new Map<MemberAction, Computed<boolean>>(
    MEMBER_ACTIONS.map((action) => [
      action,
      computed(`may ${action}`, () => {
        revision.get()
        if (role === 'facilitator') return true
        if (role === 'observer') return false
        return !locked.get() && membersMay(controlDoc, action)
      }),
    ]),
  )
  const may = (action: MemberAction) => byAction.get(action)!.get()
  return {
    may,
    mayWriteDoc: (kind) => ACTIONS_BY_DOC[kind].some(may),
    isLocked: () => locked.get(),
    dispose: () => facilitation.unobserveDeep(bump),
  }
}
