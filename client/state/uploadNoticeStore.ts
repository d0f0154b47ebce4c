/**
 * Why an upload was refused, waiting to be shown. The asset store (which runs outside React)
 * pushes a notice here; client/board/UploadNotices.tsx shows it as a tldraw toast and removes the
 * refused file's empty shape.
 */
import { create } from 'zustand'

export type UploadRefusal = 'tooLarge' | 'boardFull' | 'notAllowed' | 'unsupportedType'

export interface UploadNotice {
  readonly id: number
  readonly refusal: UploadRefusal
  /** The server's size limit: per file for `tooLarge`, the board's quota for `boardFull`. */
  readonly maxBytes: number | null
  /** The refused file's placeholder asset, whose shape goes with the notice. */
  readonly assetId: string | null
}

export interface UploadNoticeState {
  readonly notices: readonly UploadNotice[]
  push(refusal: UploadRefusal, maxBytes?: number | null, assetId?: string | null): void
  take(id: number): void
}

let nextNoticeId = 1

export const useUploadNoticeStore = create<UploadNoticeState>()((set) => ({
  notices: [],
  push: (refusal, maxBytes = null, assetId = null) => set((state) => ({ notices: [...state.notices, { id: nextNoticeId++, refusal, maxBytes, assetId }] })),
  take: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}))
