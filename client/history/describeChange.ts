/**
 * Says in words what a change of a step was ("Ada added a card “Check the chart”"), read against
 * the documents of the moment: a card by its text, a shape by its kind, a thread, a reaction, a
 * tour, the title or problem, the facilitation. Identical lines (one person moving one card many
 * times in a step) are told once.
 */
import type * as Y from 'yjs'
import type { HistoryChangeView } from '../../shared/api/history'
import { readCard } from '../../shared/board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { BOARD_MAP, CARDS_MAP, REACTIONS_MAP, THREADS_MAP, TLDRAW_RECORDS_MAP, TOURS_MAP } from '../../shared/board/docLayout'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import type { MomentDocs } from './historyStore'

export interface ChangeLine {
  readonly key: string
  /** Null: nobody (the server, or an anonymous card). */
  readonly who: { name: string; color: string | null } | null
  readonly text: string
}

const MAX_QUOTE = 40

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line === '') return ''
  return ` “${line.length > MAX_QUOTE ? `${line.slice(0, MAX_QUOTE - 1)}…` : line}”`
}

function cardLabel(canvas: Y.Doc, cardId: string): string {
  const card = readCard(canvas, cardId)
  return card ? `a card${quote(card.text)}` : 'a card'
}

function recordLabel(canvas: Y.Doc, key: string): string | null {
  if (!key.startsWith('shape:')) return null
  const record = canvas.getMap<unknown>(TLDRAW_RECORDS_MAP).get(key) as { type?: string; props?: { cardId?: string } } | undefined
  if (!record) return 'a shape'
  // A card's shape and its card change together: the card line says it.
  if (record.type === CONTRIBUTION_SHAPE_TYPE) return typeof record.props?.cardId === 'string' ? cardLabel(canvas, record.props.cardId) : 'a card'
  if (record.type === 'arrow') return 'a link'
  return 'a drawing'
}

function labelOf(change: HistoryChangeView, moment: MomentDocs): string | null {
  switch (change.map) {
    case CARDS_MAP:
      return cardLabel(moment.canvas, change.key)
    case TLDRAW_RECORDS_MAP:
      return recordLabel(moment.canvas, change.key)
    case THREADS_MAP:
      return `the thread on ${change.key.startsWith('shape:') ? 'a link' : cardLabel(moment.canvas, change.key)}`
    case REACTIONS_MAP:
      return `reactions to ${cardLabel(moment.canvas, change.key)}`
    case TOURS_MAP:
      return 'a tour'
    case BOARD_MAP:
      return change.key === 'title' ? 'the title' : 'the problem statement'
    case FACILITATION_MAP:
      return 'the facilitation (phase, timer, lock)'
    default:
      return null
  }
}

export function describeChanges(moment: MomentDocs): ChangeLine[] {
  const lines = new Map<string, ChangeLine>()
  for (const change of moment.changes) {
    const label = labelOf(change, moment)
    if (!label) continue
    const verb = change.action === 'added' ? 'added' : change.action === 'removed' ? 'removed' : 'changed'
    const who = change.who ? { name: change.who.name, color: change.who.color } : null
    const text = `${verb} ${label}`
    const key = `${who?.name ?? ''}\0${text}`
    if (!lines.has(key)) lines.set(key, { key, who, text })
  }
  return [...lines.values()]
}
