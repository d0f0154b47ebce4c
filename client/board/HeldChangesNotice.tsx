/**
 * A small, calm notice while the relay holds this person's changes back (heldChanges.ts): they
 * are kept in this browser and go out by themselves when the facilitator allows them. Rendered
 * with the facilitation notices, below the session bar.
 */
import { useValue } from 'tldraw'
import { useBoardContext } from './boardContext'

export function HeldChangesNotice() {
  const { held, permissions } = useBoardContext()
  const kinds = useValue('held changes', () => [...held.kinds.get()].sort(), [held])
  const isLocked = useValue('board locked', () => permissions.isLocked(), [permissions])
  if (kinds.length === 0) return null
  const why = isLocked ? 'The board is locked.' : 'This phase does not allow them.'
  return (
    <p className="tt-held-notice" role="status" data-testid="held-changes-notice" data-held={kinds.join(' ')}>
      <span className="tt-held-notice__dot" aria-hidden="true" />
      <span>
        <span className="tt-held-notice__title">Your changes wait until the facilitator allows them</span>
        <span className="tt-held-notice__detail">{why} They are safe in this browser and go out by themselves once allowed.</span>
      </span>
    </p>
  )
}
