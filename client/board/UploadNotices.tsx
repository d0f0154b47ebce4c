/**
 * Shows why an upload was refused (from client/state/uploadNoticeStore.ts) as a tldraw toast, and
 * removes the empty image shape tldraw placed for the refused file (tldraw drops the file's asset
 * but keeps its shape). Rendered inside <Tldraw>, where the toasts and the editor live.
 */
import { useEffect } from 'react'
import { useEditor, useToasts } from 'tldraw'
import { useUploadNoticeStore, type UploadNotice } from '../state/uploadNoticeStore'
import { formatFileSize } from '../../shared/board/fileSize'

function describe({ refusal, maxBytes }: UploadNotice): { title: string; description: string } {
  switch (refusal) {
    case 'tooLarge':
      return {
        title: 'That file is too large',
        description: maxBytes ? `This board accepts images and videos up to ${formatFileSize(maxBytes)}.` : 'The server did not accept a file this large.',
      }
    case 'boardFull':
      return {
        title: "This board's files are full",
        description: `All of a board's images and videos may add up to ${maxBytes ? formatFileSize(maxBytes) : 'its quota'}. A facilitator can remove the files no longer on the board.`,
      }
    case 'notAllowed':
      return { title: 'Observers cannot add files', description: 'Join with a member link to add images and videos.' }
    case 'unsupportedType':
      return { title: 'That kind of file cannot be added', description: 'Only images and videos can be placed on a board.' }
  }
}

export function UploadNotices() {
  const toasts = useToasts()
  const editor = useEditor()
  const notices = useUploadNoticeStore((state) => state.notices)

  useEffect(() => {
    for (const notice of notices) {
      toasts.addToast({ ...describe(notice), severity: 'error' })
      if (notice.assetId) {
        const placeholders = editor.getCurrentPageShapes().filter((shape) => 'assetId' in shape.props && shape.props.assetId === notice.assetId)
        if (placeholders.length > 0) editor.deleteShapes(placeholders)
      }
      useUploadNoticeStore.getState().take(notice.id)
    }
  }, [notices, toasts, editor])

  return null
}
