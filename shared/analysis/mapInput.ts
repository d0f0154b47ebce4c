/**
 * The map as the analyses see it: the contributions on the canvas, the typed links between them,
 * the replies on their threads, the reactions they got and the board's members, read once from a
 * board's documents into plain typed values. Only cards a `contribution` shape shows count (a
 * deleted card's entry stays in the `cards` map); a link counts when its arrow is bound at both
 * ends to two different contributions. Everything here was written by clients, so each record is
 * read defensively and texts are capped; anonymous cards carry no author.
 *
 * @example
 *   const input = readMapInput({ canvas, conversation, people })
 *   const analysis = analyseMap(input)
 */
import * as Y from 'yjs'
import { listMembers, readReactions, readThread, type CardData } from '../board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../board/contributionShape'
import { CARDS_MAP, REACTIONS_MAP, THREADS_MAP, TLDRAW_RECORDS_MAP } from '../board/docLayout'
import { readLinkMeta } from '../board/links'
import { readRevealedText } from '../board/revealedTexts'
import { MAX_CARD_TEXT_LENGTH, MAX_REPLY_TEXT_LENGTH, isContributionKind, type ContributionKind, type LinkType } from '../board/vocabulary'

export interface MapCard {
  id: string
  /** The contribution shape that shows the card (the first one, should there be several). */
  shapeId: string
  kind: ContributionKind
  text: string
  /** Null for an anonymous card: it is nobody's in any analysis. */
  authorId: string | null
  authorName: string | null
  createdAt: number
  /**
   * The text the server recorded when it revealed the card from a draft, if it did: read from the
   * people document, which only the server writes (shared/board/revealedTexts.ts), never from the
   * card's own `revealedText`, which any member's client could rewrite.
   */
  revealedText: string | null
  revealedAt: number | null
}

export interface MapLink {
  /** The arrow's shape id. */
  id: string
  type: LinkType
  from: string
  to: string
  createdById: string | null
  createdByName: string | null
  createdAt: number
}

export interface MapReply {
  id: string
  cardId: string
  authorId: string
  authorName: string
  text: string
  createdAt: number
}

export interface MapReaction {
  cardId: string
  giverId: string
}

export interface MapMember {
  id: string
  name: string
  color: string
}

export interface MapInput {
  /** In a stable order: oldest first, then by id. */
  cards: MapCard[]
  links: MapLink[]
  replies: MapReply[]
  reactions: MapReaction[]
  members: MapMember[]
}

export interface MapSources {
  readonly canvas: Y.Doc
  readonly conversation: Y.Doc
  readonly people: Y.Doc
}

type Json = Record<string, unknown>

const asObject = (value: unknown): Json | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null)
const capped = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text)

function readMapCard(id: string, map: Y.Map<unknown>, shapeId: string, people: Y.Doc): MapCard {
  const kind = map.get('kind')
  const text = map.get('text')
  const author = asObject(map.get('author'))
  const named = map.get('anonymous') !== true && typeof author?.id === 'string' && typeof author.name === 'string'
  const revealed = readRevealedText(people, id)
  return {
    id,
    shapeId,
    kind: isContributionKind(kind) ? kind : 'understanding',
    text: capped(text instanceof Y.Text ? text.toString() : '', MAX_CARD_TEXT_LENGTH),
    authorId: named ? (author.id as string) : null,
    authorName: named ? (author.name as string) : null,
    createdAt: Number(map.get('createdAt')) || 0,
    revealedText: revealed?.text ?? null,
    revealedAt: revealed?.at ?? null,
  }
}

/** Orders cards oldest first, then by id, so every analysis is deterministic. */
export function byAge(a: Pick<CardData, 'createdAt' | 'id'>, b: Pick<CardData, 'createdAt' | 'id'>): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function readMapInput({ canvas, conversation, people }: MapSources): MapInput {
  const records = canvas.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const cardMaps = canvas.getMap<unknown>(CARDS_MAP)
  const cardOfShape = new Map<string, string>()
  const arrows = new Map<string, Json>()
  const ends = new Map<string, { start?: string; end?: string }>()
  for (const [key, value] of records.entries()) {
    const record = asObject(value)
    if (!record || record.id !== key) continue
    if (record.typeName === 'shape' && record.type === CONTRIBUTION_SHAPE_TYPE) {
      const cardId = asObject(record.props)?.cardId
      if (typeof cardId === 'string') cardOfShape.set(key, cardId)
    } else if (record.typeName === 'shape' && record.type === 'arrow') {
      arrows.set(key, record)
    } else if (record.typeName === 'binding' && record.type === 'arrow' && typeof record.fromId === 'string' && typeof record.toId === 'string') {
      const terminal = asObject(record.props)?.terminal
      if (terminal !== 'start' && terminal !== 'end') continue
      const arrowEnds = ends.get(record.fromId) ?? {}
      arrowEnds[terminal] = record.toId
      ends.set(record.fromId, arrowEnds)
    }
  }

  const cards = new Map<string, MapCard>()
  for (const [shapeId, cardId] of [...cardOfShape].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const map = cardMaps.get(cardId)
    if (map instanceof Y.Map && !cards.has(cardId)) cards.set(cardId, readMapCard(cardId, map, shapeId, people))
  }

  const links: MapLink[] = []
  for (const [arrowId, arrow] of arrows) {
    const meta = readLinkMeta(arrow.meta)
    const arrowEnds = ends.get(arrowId)
    const from = arrowEnds?.start ? cardOfShape.get(arrowEnds.start) : undefined
    const to = arrowEnds?.end ? cardOfShape.get(arrowEnds.end) : undefined
    if (!meta || !from || !to || from === to || !cards.has(from) || !cards.has(to)) continue
    links.push({
      id: arrowId,
      type: meta.linkType,
      from,
      to,
      createdById: meta.createdBy?.id ?? null,
      createdByName: meta.createdBy?.name ?? null,
      createdAt: meta.createdAt,
    })
  }
  links.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))

  const replies: MapReply[] = []
  for (const anchorId of conversation.getMap(THREADS_MAP).keys()) {
    if (!cards.has(anchorId)) continue
    for (const reply of readThread(conversation, anchorId)?.replies ?? []) {
      if (reply.deleted) continue
      replies.push({
        id: reply.id,
        cardId: anchorId,
        authorId: reply.author.id,
        authorName: reply.author.name,
        text: capped(reply.text, MAX_REPLY_TEXT_LENGTH),
        createdAt: reply.createdAt,
      })
    }
  }

  const reactions: MapReaction[] = []
  for (const cardId of conversation.getMap(REACTIONS_MAP).keys()) {
    if (!cards.has(cardId)) continue
    const givers = new Set(Object.values(readReactions(conversation, cardId)).flatMap((list) => list.map((giver) => giver.id)))
    for (const giverId of givers) reactions.push({ cardId, giverId })
  }

  return {
    cards: [...cards.values()].sort(byAge),
    links,
    replies,
    reactions,
    members: listMembers(people).map(({ id, name, color }) => ({ id, name, color })),
  }
}
