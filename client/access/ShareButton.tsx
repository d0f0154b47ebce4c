/**
 * The facilitator's "Share" button in the board's top-right corner; opens the share dialog
 * (links to copy, replace a link, delete the board). Others see nothing: only a facilitator's
 * token may read or replace the links, as the server enforces. Whether the dialog is open lives
 * in a small store, not in the button: tldraw may mount its share-panel slot afresh at any time.
 */
import { createPortal } from 'react-dom'
import { create } from 'zustand'
import { BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { useBoardContext } from '../board/boardContext'
import { useBoardText } from '../board/useBoardText'
import { ShareDialog } from './ShareDialog'

interface ShareDialogState {
  readonly open: boolean
  setOpen(open: boolean): void
}

const useShareDialog = create<ShareDialogState>()((set) => ({ open: false, setOpen: (open) => set({ open }) }))

export function ShareButton() {
  const { boardId, token, role, controlDoc, initialTitle } = useBoardContext()
  const { open, setOpen } = useShareDialog()
  const title = useBoardText(controlDoc, BOARD_TITLE_KEY) || initialTitle
  if (role !== 'facilitator') return null
  return (
    <>
      <button type="button" className="tt-share-button" onClick={() => setOpen(true)} data-testid="share-open" aria-haspopup="dialog">
        Share
      </button>
      {open && createPortal(<ShareDialog boardId={boardId} token={token} title={title} onClose={() => setOpen(false)} />, document.body)}
    </>
  )
}
