/**
 * Where a board's images and videos live: uploaded to the server, referenced in the document by a
 * same-origin path without any credentials, and given the board token only when rendered (the
 * asset route reads it from `?token=`). A refused upload is reported to the upload notice store
 * (shown as a toast) and rethrown so tldraw removes the placeholder.
 */
import type { TLAssetStore } from 'tldraw'
import { ApiError, uploadBoardAsset } from '../api/boardsApi'
import { useUploadNoticeStore, type UploadRefusal } from '../state/uploadNoticeStore'

export interface BoardAssetStoreOptions {
  readonly boardId: string
  readonly token: string
  readonly maxAssetBytes: number
}

function refusalFor(error: unknown): UploadRefusal | null {
  if (!(error instanceof ApiError)) return null
  switch (error.kind) {
    case 'tooLarge':
      return 'tooLarge'
    case 'forbidden':
      return 'notAllowed'
    case 'unsupportedType':
      return 'unsupportedType'
    default:
      // tldraw's own "Upload failed" toast says enough.
      return null
  }
}

export function createBoardAssetStore({ boardId, token, maxAssetBytes }: BoardAssetStoreOptions): TLAssetStore {
  const ownAssetPrefix = `/api/boards/${encodeURIComponent(boardId)}/assets/`
  return {
    async upload(_asset, file, abortSignal) {
      try {
        return { src: await uploadBoardAsset(boardId, token, file, abortSignal) }
      } catch (error) {
        const refusal = refusalFor(error)
        if (refusal) useUploadNoticeStore.getState().push(refusal, refusal === 'tooLarge' ? maxAssetBytes : null)
        throw error
      }
    },
    resolve(asset) {
      const src = asset.props.src
      if (!src) return null
      if (!src.startsWith(ownAssetPrefix)) return src
      const separator = src.includes('?') ? '&' : '?'
      return `${src}${separator}token=${encodeURIComponent(token)}`
    },
  }
}
