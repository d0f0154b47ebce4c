/**
 * Keeps this person's entry in the board's members map fresh: name, colour and practice line as
 * they are now, and when they were last here. Each client writes only its own entry, and only
 * when it may write the board (observers are not recorded; they still show as online).
 */
import type * as Y from 'yjs'
import { upsertMember } from '../../shared/board/boardModel'
import { useIdentityStore } from '../state/identityStore'

/** How often an open board refreshes "last here" (upsertMember itself skips writes within a minute). */
export const MEMBER_REFRESH_MS = 5 * 60_000

export function keepMemberEntryFresh(doc: Y.Doc, canEdit: boolean): () => void {
  if (!canEdit) return () => {}
  const write = () => {
    const { userId, name, color, practice } = useIdentityStore.getState()
    if (name === null) return
    upsertMember(doc, { id: userId, name, color, practice }, Date.now())
  }
  write()
  const stopListening = useIdentityStore.subscribe((state, previous) => {
    if (state.name !== previous.name || state.color !== previous.color || state.practice !== previous.practice) write()
  })
  const timer = setInterval(write, MEMBER_REFRESH_MS)
  const onLeave = () => write()
  window.addEventListener('pagehide', onLeave)
  return () => {
    stopListening()
    clearInterval(timer)
    window.removeEventListener('pagehide', onLeave)
  }
}
