/**
 * What a reader of an exported board needs beyond the file's raw lists: which card each
 * contribution shape shows, the typed links between cards (from tldraw arrows, their `LinkMeta`
 * and their two bindings), the frames cards sit in, and clusters of linked cards outside frames.
 * Pure functions over a board file; the Markdown, CSV and SVG writers share them.
 *
 * @example
 *   const view = viewBoard(file)
 *   for (const link of view.links) console.log(link.from.text, link.type, link.to.text)
 */
import { readLinkMeta } from '../board/links'
import type { LinkType } from '../board/vocabulary'
import type { BoardFile, FileCard, FileRecord } from './boardFile'

export interface PlacedCard {
  card: FileCard
  shapeId: string
  parentId: string
  x: number
  y: number
  w: number
  h: number
}

export interface CardLink {
  id: string
  type: LinkType
  from: FileCard
  to: FileCard
}

export interface CardGroup {
  /** A frame's name, or "Linked: …" for a cluster, or null for the cards on their own. */
  title: string | null
  cards: FileCard[]
}

export interface BoardView {
  placed: PlacedCard[]
  cardsById: Map<string, FileCard>
  links: CardLink[]
  groups: CardGroup[]
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const props = (record: FileRecord) => (record.props && typeof record.props === 'object' ? (record.props as Record<string, unknown>) : {})

/** The first line of a card's text, shortened: how a link sentence names a card. */
export function cardTitle(card: FileCard, max = 80): string {
  const line =
    card.text
      .split('\n')
      .find((part) => part.trim() !== '')
      ?.trim() ?? ''
  if (line === '') return `(an empty ${card.kind})`
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

export function viewBoard(file: BoardFile): BoardView {
  const cardsById = new Map(file.canvas.cards.map((card) => [card.id, card]))
  const recordsById = new Map(file.canvas.records.map((record) => [record.id, record]))
  const placed: PlacedCard[] = []
  const cardOfShape = new Map<string, FileCard>()
  for (const record of file.canvas.records) {
    if (record.typeName !== 'shape' || record.type !== 'contribution') continue
    const card = cardsById.get(String(props(record).cardId))
    if (!card) continue
    cardOfShape.set(record.id, card)
    placed.push({
      card,
      shapeId: record.id,
      parentId: String(record.parentId ?? ''),
      x: num(record.x),
      y: num(record.y),
      w: num(props(record).w) || 240,
      h: num(props(record).h) || 160,
    })
  }
  const ends = new Map<string, { start?: string; end?: string }>()
  for (const record of file.canvas.records) {
    if (record.typeName !== 'binding' || record.type !== 'arrow') continue
    const terminal = props(record).terminal
    if (terminal !== 'start' && terminal !== 'end') continue
    const entry = ends.get(String(record.fromId)) ?? {}
    entry[terminal] = String(record.toId)
    ends.set(String(record.fromId), entry)
  }
  const links: CardLink[] = []
  for (const [arrowId, { start, end }] of ends) {
    const meta = readLinkMeta(recordsById.get(arrowId)?.meta)
    const from = start ? cardOfShape.get(start) : undefined
    const to = end ? cardOfShape.get(end) : undefined
    if (meta && from && to) links.push({ id: arrowId, type: meta.linkType, from, to })
  }
  links.sort((a, b) => a.from.createdAt - b.from.createdAt || (a.id < b.id ? -1 : 1))
  return { placed, cardsById, links, groups: groupCards(file, placed, links) }
}

/** Cards by frame (a frame shape that is their parent), then linked clusters, then the rest. */
function groupCards(file: BoardFile, placed: PlacedCard[], links: CardLink[]): CardGroup[] {
  const frames = file.canvas.records.filter((record) => record.typeName === 'shape' && record.type === 'frame')
  const groups: CardGroup[] = []
  const grouped = new Set<string>()
  for (const frame of frames) {
    const cards = placed.filter((entry) => entry.parentId === frame.id).map((entry) => entry.card)
    if (cards.length === 0) continue
    const name = String(props(frame).name ?? '').trim()
    groups.push({ title: name === '' ? 'A frame without a name' : name, cards: sortCards(cards) })
    for (const card of cards) grouped.add(card.id)
  }
  const neighbours = new Map<string, string[]>()
  for (const link of links) {
    if (grouped.has(link.from.id) || grouped.has(link.to.id)) continue
    neighbours.set(link.from.id, [...(neighbours.get(link.from.id) ?? []), link.to.id])
    neighbours.set(link.to.id, [...(neighbours.get(link.to.id) ?? []), link.from.id])
  }
  const byId = new Map(placed.map((entry) => [entry.card.id, entry.card]))
  for (const entry of sortCards(placed.map((p) => p.card))) {
    if (grouped.has(entry.id) || !neighbours.has(entry.id)) continue
    const cluster: FileCard[] = []
    const queue = [entry.id]
    grouped.add(entry.id)
    while (queue.length > 0) {
      const id = queue.shift()!
      const card = byId.get(id)
      if (card) cluster.push(card)
      for (const next of neighbours.get(id) ?? []) {
        if (!grouped.has(next)) {
          grouped.add(next)
          queue.push(next)
        }
      }
    }
    const sorted = sortCards(cluster)
    groups.push({ title: `Linked around “${cardTitle(sorted[0], 60)}”`, cards: sorted })
  }
  const alone = sortCards(file.canvas.cards.filter((card) => !grouped.has(card.id)))
  if (alone.length > 0) groups.push({ title: null, cards: alone })
  return groups
}

function sortCards(cards: FileCard[]): FileCard[] {
  return [...cards].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}
