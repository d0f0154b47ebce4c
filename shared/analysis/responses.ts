/**
 * Who responded to whom. A response to a contribution is a reply in its thread, a link made to it
 * (the card is the link's target), or a reaction on it, by anyone but its author. From these:
 * the contributions nobody has responded to, and reciprocity — how many members responded to how
 * many others, with the member-to-member matrix — which tells a group thinking together from
 * parallel monologues. Anonymous cards are contributions (they can go unanswered) but nobody's:
 * a response to one is a response to no member (whoever gives it), so no figure here depends on who
 * wrote it.
 *
 * @example
 *   const quiet = unansweredCards(input)
 *   const { summary, matrix } = reciprocity(input)
 */
import type { MapInput } from './mapInput'

export interface Response {
  responderId: string
  responderName: string | null
  cardId: string
  how: 'reply' | 'link' | 'reaction'
}

/** Every response to a card by someone other than its (named) author. */
export function responsesToCards(input: MapInput): Response[] {
  const authorOf = new Map(input.cards.map((card) => [card.id, card.authorId]))
  const result: Response[] = []
  const add = (responderId: string | null, responderName: string | null, cardId: string, how: Response['how']) => {
    if (!authorOf.has(cardId)) return
    const author = authorOf.get(cardId)
    if (responderId !== null && responderId === author) return
    result.push({ responderId: responderId ?? '', responderName, cardId, how })
  }
  for (const reply of input.replies) add(reply.authorId, reply.authorName, reply.cardId, 'reply')
  for (const link of input.links) add(link.createdById, link.createdByName, link.to, 'link')
  for (const reaction of input.reactions) add(reaction.giverId, null, reaction.cardId, 'reaction')
  return result
}

/** Contributions with no reply, no incoming link and no reaction from anyone but their author; oldest first. */
export function unansweredCards(input: MapInput, responses: readonly Response[] = responsesToCards(input)): string[] {
  const answered = new Set(responses.map((response) => response.cardId))
  return input.cards.filter((card) => !answered.has(card.id)).map((card) => card.id)
}

export interface ReciprocityMember {
  id: string
  name: string
  /** How many other members this member responded to. */
  respondedTo: number
  /** How many other members responded to this member. */
  respondedToBy: number
}

export interface Reciprocity {
  /** Members who took part (a named contribution or a response), in the order of the board's members, then by name. */
  members: ReciprocityMember[]
  /** matrix[i][j]: responses by members[i] to contributions of members[j]. */
  matrix: number[][]
  /** The cards each member responded to, for highlighting: member id -> card ids. */
  cardsRespondedTo: Map<string, string[]>
  /** Pairs of members who each responded to the other. */
  mutualPairs: number
  /** Pairs of members there are. */
  pairs: number
}

export function reciprocity(input: MapInput, responses: readonly Response[] = responsesToCards(input)): Reciprocity {
  const authorOf = new Map(input.cards.map((card) => [card.id, card.authorId]))
  const names = new Map<string, string>()
  for (const card of input.cards) if (card.authorId && card.authorName !== null) names.set(card.authorId, card.authorName)
  for (const reply of input.replies) names.set(reply.authorId, reply.authorName)
  for (const link of input.links) if (link.createdById && link.createdByName !== null) names.set(link.createdById, link.createdByName)
  for (const member of input.members) names.set(member.id, member.name)

  const taking = new Set<string>()
  for (const card of input.cards) if (card.authorId) taking.add(card.authorId)
  for (const response of responses) if (response.responderId) taking.add(response.responderId)

  const memberOrder = new Map(input.members.map((member, i) => [member.id, i]))
  const ids = [...taking].sort((a, b) => {
    const pa = memberOrder.get(a) ?? Number.POSITIVE_INFINITY
    const pb = memberOrder.get(b) ?? Number.POSITIVE_INFINITY
    if (pa !== pb) return pa - pb
    const na = names.get(a) ?? a
    const nb = names.get(b) ?? b
    return na < nb ? -1 : na > nb ? 1 : a < b ? -1 : 1
  })
  const index = new Map(ids.map((id, i) => [id, i]))
  const matrix = ids.map(() => ids.map(() => 0))
  const respondedCards = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]))
  for (const response of responses) {
    const author = authorOf.get(response.cardId)
    const from = index.get(response.responderId)
    const to = author ? index.get(author) : undefined
    if (from === undefined || to === undefined || from === to) continue
    matrix[from][to]++
    respondedCards.get(response.responderId)!.add(response.cardId)
  }
  const cardsRespondedTo = new Map([...respondedCards].map(([id, cards]) => [id, [...cards]]))
  let mutualPairs = 0
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) if (matrix[i][j] > 0 && matrix[j][i] > 0) mutualPairs++
  const members = ids.map((id, i) => ({
    id,
    name: names.get(id) ?? 'Someone',
    respondedTo: matrix[i].filter((count, j) => j !== i && count > 0).length,
    respondedToBy: matrix.filter((row, j) => j !== i && row[i] > 0).length,
  }))
  return { members, matrix, cardsRespondedTo, mutualPairs, pairs: (ids.length * (ids.length - 1)) / 2 }
}

/** How many members responded to at least `k` others. */
export function membersRespondingToAtLeast(result: Reciprocity, k: number): number {
  return result.members.filter((member) => member.respondedTo >= k).length
}
