/**
 * A board context (client/board/boardContext.ts) over plain Y.Docs, for unit tests of features:
 * real permissions on the given control document, real held-changes bookkeeping, and a fixed
 * person. Not a test file itself.
 */
import { atom, computed } from 'tldraw'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import type { BoardContextValue } from '../../client/board/boardContext'
import type { BoardIdentity } from '../../client/board/boardIdentity'
import { createHeldChanges } from '../../client/board/heldChanges'
import { createBoardPermissions } from '../../client/board/permissions'
import type { Person } from '../../shared/board/boardModel'
import type { BoardRole } from '../../shared/board/roles'

export interface TestBoardOptions {
  readonly me: Person
  readonly role?: BoardRole
  readonly canvasDoc?: Y.Doc
  readonly conversationDoc?: Y.Doc
  readonly controlDoc?: Y.Doc
  readonly peopleDoc?: Y.Doc
}

export function testBoardContext({
  me,
  role = 'member',
  canvasDoc = new Y.Doc(),
  conversationDoc = new Y.Doc(),
  controlDoc = new Y.Doc(),
  peopleDoc = new Y.Doc(),
}: TestBoardOptions): BoardContextValue & { dispose(): void } {
  const permissions = createBoardPermissions(controlDoc, role)
  const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
  const identity: BoardIdentity = {
    personId: me.id,
    me: computed('me', () => ({ ...me, practice: '' })),
    sync: atom('sync', { state: 'saved' }),
    getMe: () => me,
    dispose: () => {},
  }
  return {
    boardId: 'board-under-test',
    token: 'board-token',
    person: { personId: me.id, personToken: 'person-token' },
    canvasDoc,
    conversationDoc,
    controlDoc,
    peopleDoc,
    awareness: new Awareness(canvasDoc),
    role,
    canEdit: role !== 'observer',
    permissions,
    held,
    identity,
    getMe: () => me,
    initialTitle: 'A board',
    dispose: () => {
      held.dispose()
      permissions.dispose()
    },
  }
}
