/**
 * Shows why an upload was refused (from client/state/uploadNoticeStore.ts) as a tldraw toast.
 * Rendered inside <Tldraw>, where the toasts live.
 */
import { useEffect } from 'react'
import { useToasts } from 'tldraw'
import { useUploadNoticeStore, type UploadNotice } from '../state/uploadNoticeStore'

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}

function describe({ refusal, maxBytes }: UploadNotice): { title: string; description: string } {
  switch (refusal) {
    case 'tooLarge':
      return {
        title: 'That file is too large',
        description: maxBytes
          ? `This board accepts images and videos up to ${formatBytes(maxBytes)}.`
          : 'The server did not accept a file this large.',
      }
    case 'notAllowed':
      return { title: 'Observers cannot add files', description: 'Join with a member link to add images and videos.' }
    case 'unsupportedType':
      return { title: 'That kind of file cannot be added', description: 'Only images and videos can be placed on a board.' }
  }
}

export function UploadNotices() {
  const toasts = useToasts()
  const notices = useUploadNoticeStore((state) => state.notices)

  useEffect(() => {
    for (const notice of notices) {
      toasts.addToast({ ...describe(notice), severity: 'error' })
      useUploadNoticeStore.getState().take(notice.id)
    }
  }, [notices, toasts])

  return null
}
