/**
 * The board HTTP API as the client sees it. Every response is parsed here, once, where it enters
 * the client; callers get typed results or an `ApiError` that says what went wrong.
 *
 * @example
 *   const { id, links } = await createBoard({ title, problem })
 *   const access = await fetchBoardAccess(id, token) // { id, title, role }
 */
import { z } from 'zod'
import { BOARD_ROLES } from '../../shared/board/roles'

export type ApiErrorKind =
  | 'invalidInput'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'tooLarge'
  | 'unsupportedType'
  | 'server'
  | 'network'

/** A failed API call: `kind` for the UI to branch on, `message` for people (from the server if it said one). */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const boardLinksSchema = z.object({
  facilitator: z.string().url(),
  member: z.string().url(),
  observer: z.string().url(),
})
export type BoardLinks = z.infer<typeof boardLinksSchema>

const createdBoardSchema = z.object({ id: z.string(), links: boardLinksSchema })
export type CreatedBoard = z.infer<typeof createdBoardSchema>

export const clientConfigSchema = z.object({
  tldrawLicenseKey: z.string().nullable(),
  maxAssetBytes: z.number().int().positive(),
})
export type ClientConfig = z.infer<typeof clientConfigSchema>

const boardAccessSchema = z.object({
  id: z.string(),
  title: z.string(),
  role: z.enum(BOARD_ROLES),
})
export type BoardAccess = z.infer<typeof boardAccessSchema>

const uploadedAssetSchema = z.object({ src: z.string().startsWith('/') })

const errorBodySchema = z.object({ error: z.string() })

function kindForStatus(status: number): ApiErrorKind {
  switch (status) {
    case 400:
      return 'invalidInput'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'notFound'
    case 413:
      return 'tooLarge'
    case 415:
      return 'unsupportedType'
    default:
      return 'server'
  }
}

async function request<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError('network', 'The server could not be reached.')
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const parsedError = errorBodySchema.safeParse(body)
    const message = parsedError.success ? parsedError.data.error : `Request failed (${response.status}).`
    throw new ApiError(kindForStatus(response.status), message, response.status)
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    throw new ApiError('server', 'The server sent an answer we did not understand.', response.status)
  }
  return parsed.data
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` }
}

export function createBoard(input: { title: string; problem: string }): Promise<CreatedBoard> {
  return request(createdBoardSchema, '/api/boards', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  })
}

export function fetchClientConfig(): Promise<ClientConfig> {
  return request(clientConfigSchema, '/api/config')
}

export function fetchBoardAccess(boardId: string, token: string): Promise<BoardAccess> {
  return request(boardAccessSchema, `/api/boards/${encodeURIComponent(boardId)}`, {
    headers: bearer(token),
  })
}

/** Uploads an image or video; returns the same-origin path to store in the document (no token in it). */
export async function uploadBoardAsset(
  boardId: string,
  token: string,
  file: Blob,
  signal?: AbortSignal,
): Promise<string> {
  const { src } = await request(uploadedAssetSchema, `/api/boards/${encodeURIComponent(boardId)}/assets`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
    signal,
  })
  return src
}
