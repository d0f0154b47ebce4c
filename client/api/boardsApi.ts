/**
 * The boards route group as the browser uses it (shared/api/boards.ts): create a board, check a
 * link, read the page's settings and the server clock, upload an image or video, get the cookie
 * that reads the board's files, and (facilitators) remove the files no shape uses.
 *
 * @example
 *   const { id, links } = await createBoard({ title, problem })
 *   const access = await fetchBoardAccess(id, token) // { id, title, role }
 */
import {
  AssetAccess,
  BoardAccess,
  ClientConfig,
  CreatedBoard,
  PrunedAssets,
  ServerTime,
  UploadedAsset,
  boardsRoutes,
  type CreateBoardBody,
} from '../../shared/api/boards'
import { apiRequest } from './apiRequest'

export type { BoardAccess, BoardLinks, ClientConfig, CreatedBoard, PrunedAssets } from '../../shared/api/boards'

/** Creates a board; `creationSecret` is the operator's BOARD_CREATION_TOKEN when the server needs one. */
export function createBoard(input: CreateBoardBody, creationSecret?: string): Promise<CreatedBoard> {
  return apiRequest(boardsRoutes.boards(), CreatedBoard, { method: 'POST', json: input, token: creationSecret || undefined })
}

export function fetchClientConfig(): Promise<ClientConfig> {
  return apiRequest(boardsRoutes.config(), ClientConfig)
}

export function fetchBoardAccess(boardId: string, token: string): Promise<BoardAccess> {
  return apiRequest(boardsRoutes.board(boardId), BoardAccess, { token })
}

/** GET /api/time: the server's clock in ms since the epoch. */
export async function fetchServerTime(signal?: AbortSignal): Promise<number> {
  const { now } = await apiRequest(boardsRoutes.time(), ServerTime, { signal, noStore: true })
  return now
}

/** Uploads an image or video; returns the same-origin path to store in the document (no token in it). */
export async function uploadBoardAsset(boardId: string, token: string, file: Blob, signal?: AbortSignal): Promise<string> {
  const { src } = await apiRequest(boardsRoutes.assets(boardId), UploadedAsset, { method: 'POST', token, file, signal })
  return src
}

/** Sets the short-lived cookie this browser reads the board's files with (client/board/assetAccess.ts). */
export function requestAssetAccess(boardId: string, token: string): Promise<AssetAccess> {
  return apiRequest(boardsRoutes.assetAccess(boardId), AssetAccess, { method: 'POST', token })
}

/** Facilitators: removes the uploaded files no shape on the canvas uses any more. */
export function pruneBoardAssets(boardId: string, token: string): Promise<PrunedAssets> {
  return apiRequest(boardsRoutes.pruneAssets(boardId), PrunedAssets, { method: 'POST', token })
}
