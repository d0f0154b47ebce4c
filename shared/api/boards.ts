/**
 * The boards route group: create a board (its three role links), read a board's public facts with
 * a link, upload an image or video, and the two page-wide routes the board page reads (settings
 * and the server clock).
 *
 *   POST /api/boards                  {title, problem, template?}   -> 201 CreatedBoard
 *   GET  /api/boards/templates                                      -> 200 TemplateList
 *   GET  /api/boards/:id              Bearer <board link>           -> 200 BoardAccess
 *   POST /api/boards/:id/assets       Bearer <board link>, the file -> 201 UploadedAsset
 *   POST /api/boards/:id/assets/access Bearer <board link>          -> 200 AssetAccess + cookie
 *   POST /api/boards/:id/assets/prune Bearer <facilitator link>    -> 200 PrunedAssets
 *   GET  /api/config                                                -> 200 ClientConfig
 *   GET  /api/time                                                  -> 200 ServerTime
 */
import { z } from 'zod'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../board/docLayout'
import { BOARD_ROLES } from '../board/roles'
import { boardPath, plainText } from './common'

export const CreateBoardBody = z.object({
  title: plainText(1, MAX_TITLE_LENGTH),
  problem: plainText(1, MAX_PROBLEM_LENGTH),
  /** The template the canvas starts from (GET /api/boards/templates); an empty canvas without. */
  template: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
})
export type CreateBoardBody = z.input<typeof CreateBoardBody>

export const BoardLinks = z.object({
  facilitator: z.string().url(),
  member: z.string().url(),
  observer: z.string().url(),
})
export type BoardLinks = z.infer<typeof BoardLinks>

export const CreatedBoard = z.object({ id: z.string(), links: BoardLinks })
export type CreatedBoard = z.infer<typeof CreatedBoard>

export const BoardAccess = z.object({ id: z.string(), title: z.string(), role: z.enum(BOARD_ROLES) })
export type BoardAccess = z.infer<typeof BoardAccess>

/** A same-origin path to store in the document; it carries no credentials. */
export const UploadedAsset = z.object({ src: z.string().startsWith('/') })
export type UploadedAsset = z.infer<typeof UploadedAsset>

export const ClientConfig = z.object({
  tldrawLicenseKey: z.string().nullable(),
  maxAssetBytes: z.number().int().positive(),
  /** What all of one board's files may add up to (MAX_BOARD_ASSET_BYTES). */
  maxBoardAssetBytes: z.number().int().positive(),
  /** Whether creating a board needs the operator's creation secret (BOARD_CREATION_TOKEN). */
  boardCreationNeedsToken: z.boolean(),
})
export type ClientConfig = z.infer<typeof ClientConfig>

/** POST /api/boards/:id/assets/access: the page may read the board's files until `expiresAt` (ms). */
export const AssetAccess = z.object({ expiresAt: z.number() })
export type AssetAccess = z.infer<typeof AssetAccess>

/** POST /api/boards/:id/assets/prune: the files no shape used any more, now removed. */
export const PrunedAssets = z.object({ removed: z.number().int().min(0), bytes: z.number().int().min(0), keptBytes: z.number().int().min(0) })
export type PrunedAssets = z.infer<typeof PrunedAssets>

/** The server's clock, in ms since the epoch: shared timers count on it. */
export const ServerTime = z.object({ now: z.number() })
export type ServerTime = z.infer<typeof ServerTime>

/** A template as the home page shows it: its name, what it is for, and its cards for a preview. */
export const TemplatePreview = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  cards: z.array(z.object({ kind: z.string(), text: z.string(), x: z.number(), y: z.number(), w: z.number(), h: z.number() })),
  frames: z.array(z.object({ name: z.string(), x: z.number(), y: z.number(), w: z.number(), h: z.number() })),
})
export type TemplatePreview = z.infer<typeof TemplatePreview>

export const TemplateList = z.object({ templates: z.array(TemplatePreview) })
export type TemplateList = z.infer<typeof TemplateList>

export const boardsRoutes = {
  templates: () => '/api/boards/templates',
  boards: () => '/api/boards',
  board: (boardId: string) => boardPath(boardId),
  assets: (boardId: string) => `${boardPath(boardId)}/assets`,
  assetAccess: (boardId: string) => `${boardPath(boardId)}/assets/access`,
  pruneAssets: (boardId: string) => `${boardPath(boardId)}/assets/prune`,
  config: () => '/api/config',
  time: () => '/api/time',
}
