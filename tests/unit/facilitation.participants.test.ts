/**
 * Roles are visible: each person's published role is read from awareness, one entry per person,
 * facilitators first; a role that is not one of ours is shown as unknown.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { readParticipants } from '../../client/facilitation/facilitationState'

const presence = (userId: string, userName: string) => ({ userId, userName, color: '#f80' })

describe('participants and their roles', () => {
  test('one entry per person with the role they published, facilitators first', () => {
    const awareness = new Awareness(new Y.Doc())
    awareness.setLocalState({ presence: presence('ada', 'Ada'), role: 'member' })
    awareness.states.set(101, { presence: presence('fay', 'Fay'), role: 'facilitator' })
    awareness.states.set(102, { presence: presence('olu', 'Olu'), role: 'observer' })
    // Bea's second tab has not published its role yet; her first has.
    awareness.states.set(103, { presence: presence('bea', 'Bea') })
    awareness.states.set(104, { presence: presence('bea', 'Bea'), role: 'member' })
    awareness.states.set(105, { presence: presence('eve', 'Eve'), role: 'admin' })
    awareness.states.set(106, { role: 'member' })
    expect(readParticipants(awareness).map(({ name, role, isMe }) => ({ name, role, isMe }))).toEqual([
      { name: 'Fay', role: 'facilitator', isMe: false },
      { name: 'Ada', role: 'member', isMe: true },
      { name: 'Bea', role: 'member', isMe: false },
      { name: 'Eve', role: null, isMe: false },
      { name: 'Olu', role: 'observer', isMe: false },
    ])
  })
})
