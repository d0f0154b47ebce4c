/**
 * The map analysis of a board, as results in plain language, each naming the cards (and links) it
 * is about so the UI can highlight them: most central contributions (by links, and by reach along
 * "leads to" chains), feedback loops, clusters of densely linked cards, contributions nobody has
 * responded to, and reciprocity. Pure: the same input always gives the same results.
 *
 * @example
 *   const analysis = analyseMap(readMapInput({ canvas, conversation, people }))
 *   analysis.reach[0].sentence // '“Staff shortages” leads to 7 other contributions through chains of “leads to”.'
 */
import { rankByLinks, reachAlongLeadsTo, leadsToGraph } from './centrality'
import { findClusters } from './clusters'
import { DEFAULT_LOOP_LIMITS, findLoops, type LoopSearchLimits } from './loops'
import type { MapCard, MapInput } from './mapInput'
import { membersRespondingToAtLeast, reciprocity, responsesToCards, unansweredCards, type Reciprocity } from './responses'

export interface MapResult {
  /** Stable across recomputations of the same map, for keeping a choice. */
  key: string
  sentence: string
  cardIds: string[]
}

export interface MapAnalysis {
  cardCount: number
  linkCount: number
  central: MapResult[]
  reach: MapResult[]
  loops: { results: MapResult[]; counted: number; complete: boolean }
  clusters: MapResult[]
  unanswered: { results: MapResult[]; count: number }
  reciprocity: { summary: string; detail: string; k: number; members: MapResult[]; table: Reciprocity }
}

export interface AnalysisLimits {
  /** Results listed per analysis, at most. */
  perList: number
  loops: LoopSearchLimits
}

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { perList: 10, loops: DEFAULT_LOOP_LIMITS }

const LABEL_LENGTH = 60

/** A card as a sentence names it: its first words, quoted. */
export function cardLabel(card: Pick<MapCard, 'text'> | undefined): string {
  const text = (card?.text ?? '').replace(/\s+/g, ' ').trim()
  if (!text) return '“(empty card)”'
  return `“${text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1).trimEnd()}…` : text}”`
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export function analyseMap(input: MapInput, limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS): MapAnalysis {
  const cards = new Map(input.cards.map((card) => [card.id, card]))
  const label = (id: string) => cardLabel(cards.get(id))
  const neighbours = new Map<string, Set<string>>()
  for (const link of input.links) {
    neighbours.set(link.from, (neighbours.get(link.from) ?? new Set()).add(link.to))
    neighbours.set(link.to, (neighbours.get(link.to) ?? new Set()).add(link.from))
  }

  const central = rankByLinks(input)
    .slice(0, limits.perList)
    .map(({ cardId, linksIn, linksOut }) => ({
      key: `central:${cardId}`,
      sentence: `${label(cardId)} has ${plural(linksIn + linksOut, 'link', 'links')}: ${linksIn} in, ${linksOut} out.`,
      cardIds: [cardId, ...(neighbours.get(cardId) ?? [])],
    }))

  const reach = reachAlongLeadsTo(input)
    .slice(0, limits.perList)
    .map(({ cardId, reached }) => ({
      key: `reach:${cardId}`,
      sentence: `${label(cardId)} leads to ${plural(reached.length, 'other contribution', 'other contributions')} through chains of “leads to”.`,
      cardIds: [cardId, ...reached],
    }))

  const loopSearch = findLoops(leadsToGraph(input), limits.loops)
  const loops = loopSearch.loops.slice(0, limits.perList).map((loop) => ({
    key: `loop:${loop.join(',')}`,
    sentence: `A loop of ${loop.length}: ${loop.map(label).join(' → ')} → back to ${label(loop[0])}.`,
    cardIds: loop,
  }))

  const clusters = findClusters(input)
    .slice(0, limits.perList)
    .map((cluster) => {
      const inside = new Set(cluster.cardIds)
      const hub = cluster.cardIds.reduce((best, id) => {
        const count = (id: string) => [...(neighbours.get(id) ?? [])].filter((other) => inside.has(other)).length
        return count(id) > count(best) ? id : best
      }, cluster.cardIds[0])
      return {
        key: `cluster:${cluster.cardIds.join(',')}`,
        sentence: `${plural(cluster.cardIds.length, 'contribution', 'contributions')} around ${label(hub)}, ${plural(cluster.innerLinks, 'link', 'links')} among them.`,
        cardIds: cluster.cardIds,
      }
    })

  const responses = responsesToCards(input)
  const quiet = unansweredCards(input, responses)
  const unansweredResults: MapResult[] = quiet.slice(0, limits.perList).map((id) => {
    const card = cards.get(id)
    const by = card?.authorName ? ` by ${card.authorName}` : card?.authorId === null ? ' (anonymous)' : ''
    return { key: `unanswered:${id}`, sentence: `${label(id)}${by} has no reply, link or reaction from anyone else yet.`, cardIds: [id] }
  })
  if (quiet.length > 1)
    unansweredResults.unshift({ key: 'unanswered:all', sentence: `All ${quiet.length} contributions nobody has responded to.`, cardIds: quiet })

  const table = reciprocity(input, responses)
  const m = table.members.length
  const k = Math.max(1, Math.min(2, m - 1))
  const responding = membersRespondingToAtLeast(table, k)
  const summary =
    m < 2 ? 'Reciprocity needs at least two members taking part.' : `${responding} of ${m} members responded to at least ${plural(k, 'other', 'others')}.`
  const detail = m < 2 ? '' : `${plural(table.mutualPairs, 'pair', 'pairs')} of ${table.pairs} responded to each other.`
  const members = table.members.map((member) => ({
    key: `member:${member.id}`,
    sentence: `${member.name} responded to ${plural(member.respondedTo, 'other', 'others')}; ${member.respondedToBy} responded to ${member.name}.`,
    cardIds: table.cardsRespondedTo.get(member.id) ?? [],
  }))

  return {
    cardCount: input.cards.length,
    linkCount: input.links.length,
    central,
    reach,
    loops: { results: loops, counted: loopSearch.counted, complete: loopSearch.complete },
    clusters,
    unanswered: { results: unansweredResults, count: quiet.length },
    reciprocity: { summary, detail, k, members, table },
  }
}
