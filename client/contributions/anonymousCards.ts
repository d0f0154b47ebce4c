/**
 * Anonymous contributions, as the author's browser handles them. The card is never written by
 * this browser: the server inserts it (with its own Yjs client id) and hands back a claim key,
 * which we keep in localStorage per board. With the key the author changes the card's text and
 * later claims it, both through the server, so nothing this browser writes into the shared
 * document ties the card to them.
 *
 *   POST /api/boards/:id/anonymous-cards               {kind, text, shape} -> {cardId, shapeId, claimKey}
 *   PUT  /api/boards/:id/anonymous-cards/:cardId/text  {claimKey, text}
 *   POST /api/boards/:id/anonymous-cards/:cardId/claim {claimKey, author}
 */
import { z } from 'zod'
import { create } from 'zustand'
import type { Person } from '../../shared/board/boardModel'
import type { ContributionKind } from '../../shared/board/vocabulary'

const STORAGE_PREFIX = 'think-together:anonymous-cards:'

const storedKeysSchema = z.record(z.string(), z.string())
const postedSchema = z.object({ cardId: z.string(), shapeId: z.string(), claimKey: z.string() })
const errorSchema = z.object({ error: z.string() })

export interface AnonymousShapePlacement {
  id: string
  parentId: string
  index: string
  x: number
  y: number
  w: number
  h: number
}

/** A request the server refused or that never reached it; `message` is for people. */
export class AnonymousCardError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AnonymousCardError'
  }
}

interface ClaimKeysState {
  readonly boardId: string | null
  /** cardId -> claim key, for the cards this browser posted anonymously on the open board. */
  readonly keys: Readonly<Record<string, string>>
  load(boardId: string): void
  remember(cardId: string, claimKey: string): void
  forget(cardId: string): void
}

function readStoredKeys(boardId: string): Record<string, string> {
  try {
    const parsed = storedKeysSchema.safeParse(JSON.parse(localStorage.getItem(STORAGE_PREFIX + boardId) ?? '{}'))
    return parsed.success ? parsed.data : {}
  } catch {
    return {}
  }
}

function storeKeys(boardId: string | null, keys: Record<string, string>): void {
  if (!boardId) return
  if (Object.keys(keys).length === 0) localStorage.removeItem(STORAGE_PREFIX + boardId)
  else localStorage.setItem(STORAGE_PREFIX + boardId, JSON.stringify(keys))
}

export const useClaimKeys = create<ClaimKeysState>()((set, get) => ({
  boardId: null,
  keys: {},
  load: (boardId) => set({ boardId, keys: readStoredKeys(boardId) }),
  remember: (cardId, claimKey) => {
    const keys = { ...get().keys, [cardId]: claimKey }
    storeKeys(get().boardId, keys)
    set({ keys })
  },
  forget: (cardId) => {
    const { [cardId]: _forgotten, ...keys } = get().keys
    storeKeys(get().boardId, keys)
    set({ keys })
  },
}))

async function call(url: string, token: string, method: 'POST' | 'PUT', body: unknown): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })
  } catch {
    throw new AnonymousCardError('The server could not be reached. Check your connection and try again.')
  }
  const json: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const said = errorSchema.safeParse(json)
    throw new AnonymousCardError(said.success ? said.data.error : `The server answered ${response.status}.`)
  }
  return json
}

const cardsUrl = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/anonymous-cards`

export async function postAnonymousCard(
  boardId: string,
  token: string,
  card: { kind: ContributionKind; text: string; shape: AnonymousShapePlacement },
): Promise<{ cardId: string; shapeId: string }> {
  const parsed = postedSchema.safeParse(await call(cardsUrl(boardId), token, 'POST', card))
  if (!parsed.success) throw new AnonymousCardError('The server answered in a way this page does not understand.')
  useClaimKeys.getState().remember(parsed.data.cardId, parsed.data.claimKey)
  return { cardId: parsed.data.cardId, shapeId: parsed.data.shapeId }
}

function claimKeyFor(cardId: string): string {
  const claimKey = useClaimKeys.getState().keys[cardId]
  if (!claimKey) throw new AnonymousCardError('This browser does not hold the key for that card.')
  return claimKey
}

export async function editAnonymousCardText(boardId: string, token: string, cardId: string, text: string): Promise<void> {
  await call(`${cardsUrl(boardId)}/${cardId}/text`, token, 'PUT', { claimKey: claimKeyFor(cardId), text })
}

export async function claimAnonymousCard(boardId: string, token: string, cardId: string, author: Person): Promise<void> {
  const claimKey = claimKeyFor(cardId)
  await call(`${cardsUrl(boardId)}/${cardId}/claim`, token, 'POST', {
    claimKey,
    author: { id: author.id, name: author.name, color: author.color },
  })
  useClaimKeys.getState().forget(cardId)
}
