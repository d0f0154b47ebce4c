/**
 * Why an upload was refused, waiting to be shown. The asset store (which runs outside React)
 * pushes a notice here; client/board/UploadNotices.tsx shows it as a tldraw toast.
 */
import { create } from 'zustand'

export type UploadRefusal = 'tooLarge' | 'notAllowed' | 'unsupportedType'

export interface UploadNotice {
  readonly id: number
  readonly refusal: UploadRefusal
  /** The server's size limit, when the refusal is `tooLarge`. */
  readonly maxBytes: number | null
}

export interface UploadNoticeState {
  readonly notices: readonly UploadNotice[]
  push(refusal: UploadRefusal, maxBytes?: number | null): void
  take(id: number): void
}

let nextNoticeId = 1

export const useUploadNoticeStore = create<UploadNoticeState>()((set) => ({
  notices: [],
  push: (refusal, maxBytes = null) =>
    set((state) => ({ notices: [...state.notices, { id: nextNoticeId++, refusal, maxBytes }] })),
  take: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}))
