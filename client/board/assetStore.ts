/**
 * Where a board's images and videos live: uploaded to the server, referenced in the document by a
 * same-origin path without any credentials, and rendered by that same path: the browser reads
 * them with the short-lived asset cookie (assetAccess.ts), so no token is ever in an image's URL.
 * A refused upload is reported to the upload notice store (shown as a toast) and rethrown so
 * tldraw removes the placeholder.
 */
import type { TLAssetStore } from 'tldraw'
import { ApiError } from '../api/apiRequest'
import { uploadBoardAsset } from '../api/boardsApi'
import { useUploadNoticeStore, type UploadRefusal } from '../state/uploadNoticeStore'

export interface BoardAssetStoreOptions {
  readonly boardId: string
  readonly token: string
  readonly maxAssetBytes: number
  readonly maxBoardAssetBytes: number
  /** Resolves once the asset cookie has been asked for. */
  readonly accessReady: Promise<void>
}

function refusalFor(error: unknown, file: File, maxAssetBytes: number): UploadRefusal | null {
  if (!(error instanceof ApiError)) return null
  switch (error.kind) {
    case 'tooLarge':
      // A file within the per-file limit was refused for the board's quota.
      return file.size <= maxAssetBytes ? 'boardFull' : 'tooLarge'
    case 'forbidden':
      return 'notAllowed'
    case 'unsupportedType':
      return 'unsupportedType'
    default:
      // tldraw's own "Upload failed" toast says enough.
      return null
  }
}

export function createBoardAssetStore({ boardId, token, maxAssetBytes, maxBoardAssetBytes, accessReady }: BoardAssetStoreOptions): TLAssetStore {
  const ownAssetPrefix = `/api/boards/${encodeURIComponent(boardId)}/assets/`
  return {
    async upload(asset, file, abortSignal) {
      try {
        return { src: await uploadBoardAsset(boardId, token, file, abortSignal) }
      } catch (error) {
        const refusal = refusalFor(error, file, maxAssetBytes)
        if (refusal) {
          const limit = refusal === 'tooLarge' ? maxAssetBytes : refusal === 'boardFull' ? maxBoardAssetBytes : null
          useUploadNoticeStore.getState().push(refusal, limit, asset.id)
        }
        throw error
      }
    },
    async resolve(asset) {
      const src = asset.props.src
      if (!src) return null
      if (src.startsWith(ownAssetPrefix)) await accessReady
      return src
    },
  }
}
