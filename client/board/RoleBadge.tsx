/**
 * Which role this tab joined with. Observers see it prominently: they cannot change the board.
 */
import type { BoardRole } from '../../shared/board/roles'
import { useBoardContext } from './boardContext'

const ROLE_LABELS: Record<BoardRole, { label: string; detail: string }> = {
  facilitator: { label: 'Facilitator', detail: 'You joined as facilitator: you can edit the board and guide the session.' },
  member: { label: 'Member', detail: 'You joined as a member: you can add and edit contributions.' },
  observer: { label: 'Observer — view only', detail: 'You joined as an observer: you can follow the board but not change it.' },
}

export function RoleBadge() {
  const { role } = useBoardContext()
  const { label, detail } = ROLE_LABELS[role]
  return (
    <div className="tt-role-badge" data-role={role} data-testid="role-badge" title={detail}>
      {label}
      <span className="tt-visually-hidden">. {detail}</span>
    </div>
  )
}
