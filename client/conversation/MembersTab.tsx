/**
 * The Members tab: everyone who has been on the board (the people document, which the server
 * writes), who is here now (presence, as the relay stamps it), their practice, and how much each
 * has contributed (cards under their name) and responded to others (replies and reactions on
 * others' cards). My own practice line can be changed here; it goes to the server, which records
 * it (see client/board/boardIdentity.ts).
 */
import { useMemo, useState, type FormEvent } from 'react'
import { useValue } from 'tldraw'
import { MAX_PRACTICE_LENGTH } from '../../shared/board/vocabulary'
import { useParticipants } from '../facilitation/facilitationState'
import { useIdentityStore } from '../state/identityStore'
import { formatExactTime, formatRelativeTime } from './formatTime'
import { useNow, useSnapshot } from './hooks'
import type { ConversationSession } from './session'
import { activityFromSnapshot } from './snapshotQueries'

const MEMBERS_SHOWN = 200

interface MemberRow {
  id: string
  name: string
  color: string
  practice: string
  lastSeenAt: number
  isOnline: boolean
  isMe: boolean
}

export function MembersTab({ session }: { session: ConversationSession }) {
  const { board } = session
  const snapshot = useSnapshot(session)
  const now = useNow()
  const me = useValue('me', () => board.identity.me.get(), [board])
  const sync = useValue('my profile on the server', () => board.identity.sync.get(), [board])
  const participants = useParticipants(board.awareness)
  const activity = useMemo(() => activityFromSnapshot(snapshot), [snapshot])

  const rows = useMemo<MemberRow[]>(() => {
    const online = new Map(participants.filter((person) => !person.isMe).map((person) => [person.userId, person]))
    const byId = new Map<string, MemberRow>()
    for (const member of snapshot.members) {
      byId.set(member.id, { ...member, isOnline: online.has(member.id), isMe: member.id === me.id })
    }
    for (const [id, person] of online) {
      if (!byId.has(id)) {
        byId.set(id, { id, name: person.name, color: person.color, practice: person.practice, lastSeenAt: now, isOnline: true, isMe: false })
      }
    }
    byId.set(me.id, { ...me, lastSeenAt: now, isOnline: true, isMe: true })
    return [...byId.values()].sort((a, b) => Number(b.isMe) - Number(a.isMe) || Number(b.isOnline) - Number(a.isOnline) || b.lastSeenAt - a.lastSeenAt)
  }, [snapshot.members, participants, me, now])

  const onlineCount = rows.filter((row) => row.isOnline).length

  return (
    <div className="tt-conversation__section">
      <p className="tt-conversation__summary" data-testid="members-summary">
        {rows.length} {rows.length === 1 ? 'person' : 'people'} on this board, {onlineCount} online now.
      </p>
      <ul className="tt-conversation__list tt-members" aria-label="Members" data-testid="members-list">
        {rows.slice(0, MEMBERS_SHOWN).map((row) => {
          const counts = activity.get(row.id) ?? { contributions: 0, responses: 0 }
          return (
            <li
              key={row.id}
              className="tt-member"
              data-testid="member"
              data-member-id={row.id}
              data-online={row.isOnline}
              data-contributions={counts.contributions}
              data-responses={counts.responses}
            >
              <span className="tt-member__avatar" style={{ backgroundColor: row.color }} aria-hidden="true">
                {row.name.trim().charAt(0).toLocaleUpperCase()}
              </span>
              <div className="tt-member__body">
                <div className="tt-member__name-line">
                  <span className="tt-member__name" data-testid="member-name">
                    {row.name}
                  </span>
                  {row.isMe && <span className="tt-conversation__muted">(you{board.role ? `, ${board.role}` : ''})</span>}
                </div>
                {row.isMe ? (
                  <>
                    <PracticeEditor practice={row.practice} />
                    {sync.state === 'failed' && (
                      <p className="tt-conversation__muted" role="status" data-testid="member-save-problem">
                        Not saved yet: {sync.message}
                      </p>
                    )}
                  </>
                ) : (
                  row.practice && (
                    <p className="tt-member__practice" data-testid="member-practice">
                      {row.practice}
                    </p>
                  )
                )}
                <p className="tt-conversation__muted tt-member__stats">
                  <span className={row.isOnline ? 'tt-member__online' : undefined} data-testid="member-presence">
                    {row.isOnline ? 'Online now' : <span title={formatExactTime(row.lastSeenAt)}>Here {formatRelativeTime(row.lastSeenAt, now)}</span>}
                  </span>
                  {' · '}
                  <span data-testid="member-activity">
                    {counts.contributions} {counts.contributions === 1 ? 'contribution' : 'contributions'}, {counts.responses}{' '}
                    {counts.responses === 1 ? 'response' : 'responses'} to others
                  </span>
                </p>
              </div>
            </li>
          )
        })}
      </ul>
      {!board.canEdit && <p className="tt-conversation__muted">Observers are not added to the members list; they show here while online.</p>}
    </div>
  )
}

function PracticeEditor({ practice }: { practice: string }) {
  const setPractice = useIdentityStore((state) => state.setPractice)
  const [isEditing, setEditing] = useState(false)
  const [draft, setDraft] = useState(practice)

  if (!isEditing) {
    return (
      <p className="tt-member__practice">
        <span data-testid="member-practice">{practice || <span className="tt-conversation__muted">No practice line yet</span>}</span>{' '}
        <button
          type="button"
          className="tt-conversation__link-button"
          onClick={() => {
            setDraft(practice)
            setEditing(true)
          }}
          data-testid="practice-edit"
        >
          {practice ? 'Edit' : 'Add'}
          <span className="tt-visually-hidden"> your practice</span>
        </button>
      </p>
    )
  }

  const save = (event: FormEvent) => {
    event.preventDefault()
    setPractice(draft)
    setEditing(false)
  }

  return (
    <form className="tt-member__practice-form" onSubmit={save}>
      <input
        className="tt-conversation__input"
        aria-label="Your practice"
        placeholder="e.g. ward nurse, 8 years in acute care"
        maxLength={MAX_PRACTICE_LENGTH}
        value={draft}
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation()
            setEditing(false)
          }
        }}
        data-testid="practice-input"
      />
      <button type="submit" className="tt-conversation__button tt-conversation__button--primary" data-testid="practice-save">
        Save
      </button>
    </form>
  )
}
