/**
 * Whether this person may do a member action now (client/board/permissions.ts), re-rendering when
 * the control document's lock or phase changes it.
 */
import { useValue } from 'tldraw'
import type { MemberAction } from '../../shared/board/facilitation'
import { useBoardContext } from './boardContext'

export function useMay(action: MemberAction): boolean {
  const { permissions } = useBoardContext()
  return useValue(`may ${action}`, () => permissions.may(action), [permissions, action])
}
