/**
 * The Markdown synthesis of a board, for a person to read: the problem, the syntheses first,
 * then the contributions grouped by frame or cluster with their kinds and authors, the links as
 * sentences ("A leads to B"), the threads with their replies (open ones marked), the vote results
 * with each card's movement between rounds, the tours with their stops, and the members with
 * their practice. Every piece of board text is escaped, so whatever a card says (HTML, a script,
 * Markdown) is shown as the words it is, never rendered.
 *
 * @example
 *   const markdown = boardMarkdown(file)
 */
import { CONTRIBUTION_KIND_INFO, LINK_TYPE_INFO, REACTION_INFO, REACTIONS } from '../board/vocabulary'
import type { BoardFile, FileCard, FilePerson, FileVoteRound } from './boardFile'
import { cardTitle, viewBoard } from './boardView'

/** Escapes every character Markdown or HTML would act on, so text reads as written. */
export function markdownText(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#+\-=])/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/gm, '$1$2\\$3')
}

/** Text on one line of a list item (further lines indented under it). */
function block(text: string, indent = '  '): string {
  return markdownText(text.trim())
    .split('\n')
    .map((line, index) => (index === 0 ? line : `${indent}${line}`))
    .join('\n')
}

const authorOf = (card: FileCard) => (card.anonymous ? 'anonymous' : (card.author?.name ?? 'someone'))
const personName = (person: FilePerson | null) => (person ? markdownText(person.name) : 'someone')
const date = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

function cardLine(card: FileCard): string {
  return `- **${CONTRIBUTION_KIND_INFO[card.kind].label}** by ${markdownText(authorOf(card))}: ${block(card.text || `(empty)`)}`
}

function roundLines(rounds: FileVoteRound[], cardName: (cardId: string) => string): string[] {
  const lines: string[] = []
  const previousRank = new Map<string, number>()
  for (const round of rounds) {
    if (round.status !== 'closed' || !round.results) {
      lines.push(`### Round ${round.number}: ${markdownText(round.title || 'Vote')} (still open)`, '')
      continue
    }
    const voters = round.voterCount === 1 ? '1 person voted' : `${round.voterCount ?? 0} people voted`
    lines.push(
      `### Round ${round.number}: ${markdownText(round.title || 'Vote')}`,
      '',
      `${voters}, ${round.budget} dots each${round.anonymous ? ', anonymously' : ''}.`,
      '',
    )
    round.results.forEach((result, index) => {
      const rank = index + 1
      const before = previousRank.get(result.cardId)
      const movement =
        before === undefined
          ? previousRank.size > 0
            ? ' (new in this round)'
            : ''
          : before === rank
            ? ' (same place)'
            : before > rank
              ? ` (up ${before - rank} from ${before})`
              : ` (down ${rank - before} from ${before})`
      const voters = result.voters?.length ? ` — ${result.voters.map((voter) => `${markdownText(voter.name)} ${voter.dots}`).join(', ')}` : ''
      lines.push(`${rank}. ${cardName(result.cardId)}: ${result.dots} ${result.dots === 1 ? 'dot' : 'dots'}${movement}${voters}`)
    })
    previousRank.clear()
    for (const [index, result] of round.results.entries()) previousRank.set(result.cardId, index + 1)
    lines.push('')
  }
  return lines
}

export function boardMarkdown(file: BoardFile): string {
  const view = viewBoard(file)
  const cardName = (cardId: string) => {
    const card = view.cardsById.get(cardId)
    return card ? `“${markdownText(cardTitle(card))}”` : 'a card no longer on the board'
  }
  const anchorName = (anchorId: string) => {
    if (view.cardsById.has(anchorId)) return cardName(anchorId)
    const link = view.links.find((candidate) => candidate.id === anchorId)
    return link
      ? `the link “${markdownText(cardTitle(link.from, 40))}” ${LINK_TYPE_INFO[link.type].label} “${markdownText(cardTitle(link.to, 40))}”`
      : 'something no longer on the board'
  }
  const lines: string[] = [`# ${markdownText(file.board.title)}`, '', '## The problem', '', markdownText(file.board.problem), '']

  const syntheses = file.canvas.cards.filter((card) => card.kind === 'synthesis')
  lines.push('## Syntheses', '')
  if (syntheses.length === 0) lines.push('No synthesis yet.')
  for (const card of syntheses) lines.push(cardLine(card))
  lines.push('', '## Contributions', '')
  if (file.canvas.cards.length === 0) lines.push('No contributions yet.', '')
  for (const group of view.groups) {
    const cards = group.cards.filter((card) => card.kind !== 'synthesis')
    if (cards.length === 0) continue
    lines.push(`### ${group.title === null ? 'On their own' : markdownText(group.title)}`, '')
    for (const card of cards) {
      const reactions = REACTIONS.map(
        (reaction) => [reaction, file.conversation.reactions.filter((r) => r.cardId === card.id && r.reaction === reaction).length] as const,
      )
        .filter(([, count]) => count > 0)
        .map(([reaction, count]) => `${REACTION_INFO[reaction].symbol} ${count}`)
      lines.push(cardLine(card) + (reactions.length > 0 ? ` (${reactions.join(', ')})` : ''))
    }
    lines.push('')
  }

  lines.push('## Links', '')
  if (view.links.length === 0) lines.push('No links yet.')
  for (const link of view.links) lines.push(`- ${cardName(link.from.id)} ${LINK_TYPE_INFO[link.type].label} ${cardName(link.to.id)}.`)
  lines.push('')

  lines.push('## Threads', '')
  const threads = file.conversation.threads.filter((thread) => thread.replies.some((reply) => !reply.deleted))
  if (threads.length === 0) lines.push('No threads yet.', '')
  for (const thread of threads) {
    const status = thread.status === 'open' ? '**open**' : `resolved by ${personName(thread.statusBy)}`
    lines.push(`### On ${anchorName(thread.anchorId)} (${status})`, '')
    for (const reply of thread.replies) {
      if (reply.deleted) continue
      lines.push(`- ${markdownText(reply.author.name)}, ${date(reply.createdAt)}: ${block(reply.text)}`)
    }
    lines.push('')
  }

  lines.push('## Votes', '')
  if (file.rounds.length === 0) lines.push('No votes yet.', '')
  lines.push(...roundLines(file.rounds, cardName))

  lines.push('## Tours', '')
  const tours = file.conversation.tours.filter((tour) => tour.published)
  if (tours.length === 0) lines.push('No tours yet.', '')
  for (const tour of tours) {
    lines.push(`### ${markdownText(tour.title || 'Untitled tour')}, by ${personName(tour.author)}`, '')
    tour.stops.forEach((stop, index) => {
      const shown = stop.shapeIds.map((shapeId) => view.placed.find((entry) => entry.shapeId === shapeId)).filter((entry) => entry !== undefined)
      const at = shown.length > 0 ? ` (${shown.map((entry) => cardName(entry.card.id)).join(', ')})` : ''
      lines.push(`${index + 1}. ${block(stop.note || '(no note)', '   ')}${at}`)
    })
    lines.push('')
  }

  lines.push('## Members', '')
  if (file.members.length === 0) lines.push('Nobody has joined yet.')
  for (const member of file.members) lines.push(`- ${markdownText(member.name)}${member.practice ? `: ${markdownText(member.practice)}` : ''}`)
  lines.push('')
  return lines.join('\n')
}
