/**
 * Anonymous contributions, as the author's browser handles them. The card is never written by
 * this browser: the server inserts it (with its own Yjs client id) and hands back a claim key,
 * which we keep in localStorage per board. With the key the author changes the card's text (with
 * the board link, so the server does not learn who) and later claims it (with their personal
 * token, whose person becomes the author), both through the server, so nothing this browser writes
 * into the shared document ties the card to them. The requests are in client/api/anonymousCardsApi.ts.
 */
import { z } from 'zod'
import { create } from 'zustand'
import type { ContributionKind } from '../../shared/board/vocabulary'
import { ApiError } from '../api/apiRequest'
import * as anonymousCardsApi from '../api/anonymousCardsApi'
import type { AnonymousShapePlacement } from '../api/anonymousCardsApi'

export type { AnonymousShapePlacement } from '../api/anonymousCardsApi'

const STORAGE_PREFIX = 'think-together:anonymous-cards:'

const storedKeysSchema = z.record(z.string(), z.string())

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

/** Posts a card anonymously through the server and keeps its claim key in this browser. */
export async function postAnonymousCard(
  boardId: string,
  boardToken: string,
  card: { kind: ContributionKind; text: string; shape: AnonymousShapePlacement },
): Promise<{ cardId: string; shapeId: string }> {
  const posted = await anonymousCardsApi.postAnonymousCard(boardId, boardToken, card)
  useClaimKeys.getState().remember(posted.cardId, posted.claimKey)
  return { cardId: posted.cardId, shapeId: posted.shapeId }
}

function claimKeyFor(cardId: string): string {
  const claimKey = useClaimKeys.getState().keys[cardId]
  if (!claimKey) throw new ApiError('forbidden', 'This browser does not hold the key for that card.')
  return claimKey
}

export function editAnonymousCardText(boardId: string, boardToken: string, cardId: string, text: string): Promise<void> {
  return anonymousCardsApi.editAnonymousCardText(boardId, boardToken, cardId, claimKeyFor(cardId), text)
}

/** Puts this person's name on their anonymous card: the server takes the author from the personal token. */
export async function claimAnonymousCard(boardId: string, personToken: string, cardId: string): Promise<void> {
  await anonymousCardsApi.claimAnonymousCard(boardId, personToken, cardId, claimKeyFor(cardId))
  useClaimKeys.getState().forget(cardId)
}
