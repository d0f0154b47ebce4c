/**
 * The CSV of a board's contributions, one row a card: id, kind, author, text, created, edited
 * (ISO 8601, UTC), reactions, replies and votes (dots over every closed round). An anonymous
 * card's author is "anonymous". Fields are quoted as RFC 4180 says, and a field a spreadsheet
 * would take for a formula (starting with =, +, -, @) is prefixed with an apostrophe.
 *
 * @example
 *   const csv = boardCsv(file)
 */
import { visibleReplyCount } from '../board/boardModel'
import type { BoardFile } from './boardFile'

export const CSV_COLUMNS = ['id', 'kind', 'author', 'text', 'created', 'edited', 'reactions', 'replies', 'votes'] as const

export function csvField(value: string | number): string {
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function boardCsv(file: BoardFile): string {
  const reactions = new Map<string, number>()
  for (const reaction of file.conversation.reactions) reactions.set(reaction.cardId, (reactions.get(reaction.cardId) ?? 0) + 1)
  const threads = new Map(file.conversation.threads.map((thread) => [thread.anchorId, thread]))
  const votes = new Map<string, number>()
  for (const round of file.rounds) for (const result of round.results ?? []) votes.set(result.cardId, (votes.get(result.cardId) ?? 0) + result.dots)
  const rows = file.canvas.cards.map((card) =>
    [
      card.id,
      card.kind,
      card.anonymous ? 'anonymous' : (card.author?.name ?? ''),
      card.text,
      new Date(card.createdAt).toISOString(),
      new Date(card.updatedAt).toISOString(),
      reactions.get(card.id) ?? 0,
      visibleReplyCount(threads.get(card.id) ?? null),
      votes.get(card.id) ?? 0,
    ]
      .map(csvField)
      .join(','),
  )
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`
}
