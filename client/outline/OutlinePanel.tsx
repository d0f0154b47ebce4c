/**
 * The board as a screen reader reads it: an outline in the dock (Alt+Shift+O) with headings and
 * lists — the problem, the cards by frame (kind, author, text, reactions, the replies of their
 * thread), the links as sentences — kept live from the documents. A reader can act in it: add a
 * card, react, reply and give dots, through the same model functions and API calls the canvas
 * uses, so the server's rules apply to it as to the canvas.
 */
import { useId, useState, type FormEvent } from 'react'
import { useValue, type Editor, type TLShapeId } from 'tldraw'
import { readReactions, toggleReaction, addReply, type CardData, type ThreadData } from '../../shared/board/boardModel'
import { BOARD_PROBLEM_KEY, BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { canWriteBoard } from '../../shared/board/roles'
import {
  CONTRIBUTION_KINDS,
  CONTRIBUTION_KIND_INFO,
  LINK_TYPE_INFO,
  MAX_CARD_TEXT_LENGTH,
  MAX_REPLY_TEXT_LENGTH,
  REACTIONS,
  REACTION_INFO,
  type ContributionKind,
} from '../../shared/board/vocabulary'
import type { VoteRound } from '../../shared/board/voting'
import type { LinkMeta } from '../../shared/board/links'
import { useBoardContext } from '../board/boardContext'
import { useBoardText } from '../board/useBoardText'
import { useMay } from '../board/useMay'
import { addWrittenCard } from '../contributions/cardCreation'
import { bringShapeIntoView } from '../conversation/anchors'
import { useSnapshot } from '../conversation/hooks'
import { activeSession, type ConversationSession } from '../conversation/session'
import { linkedEnds } from '../links/linkRecords'
import { currentRound, useBallots, useVoteRounds } from '../voting/votingState'
import { dotsLeft, dotsUsed } from '../voting/ballot'
import './outline.css'

/** The Outline panel's id in the dock, and its shortcut as aria-keyshortcuts spells it. */
export const OUTLINE_PANEL_ID = 'outline'
export const OUTLINE_SHORTCUT = 'Alt+Shift+O'

interface OutlineCard {
  readonly card: CardData
  readonly shapeId: TLShapeId
}

interface OutlineGroup {
  readonly name: string
  readonly cards: readonly OutlineCard[]
}

/** Cards on the current page, by the frame they are in, each group in reading order (rows, then columns). */
function groupCards(editor: Editor, cards: ReadonlyMap<string, CardData>, shapes: ReadonlyMap<string, TLShapeId>): OutlineGroup[] {
  const groups = new Map<string, { name: string; cards: Array<OutlineCard & { x: number; y: number }> }>()
  const pageId = editor.getCurrentPageId()
  for (const [cardId, shapeId] of shapes) {
    const card = cards.get(cardId)
    const shape = editor.getShape(shapeId)
    const bounds = editor.getShapePageBounds(shapeId)
    if (!card || !shape || !bounds || editor.getAncestorPageId(shape) !== pageId) continue
    const frame = editor.findShapeAncestor(shape, (ancestor) => ancestor.type === 'frame')
    const key = frame?.id ?? 'page'
    const name = frame ? (frame.props as { name?: string }).name?.trim() || 'Untitled frame' : 'On the page'
    const group = groups.get(key) ?? { name, cards: [] }
    group.cards.push({ card, shapeId, x: bounds.minX, y: bounds.minY })
    groups.set(key, group)
  }
  const byReading = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.round((a.y - b.y) / 80) || a.x - b.x
  return [...groups.entries()]
    .sort(([a], [b]) => (a === 'page' ? 1 : b === 'page' ? -1 : 0))
    .map(([, group]) => ({ name: group.name, cards: group.cards.sort(byReading) }))
}

function shortText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (!line) return 'an empty card'
  return line.length > 60 ? `${line.slice(0, 59)}…` : line
}

function authorOf(card: CardData): string {
  return card.anonymous || !card.author ? 'Anonymous' : card.author.name
}

export function OutlinePanelBody() {
  const session = useValue('conversation session', () => activeSession.get(), [])
  return session ? <Outline session={session} /> : null
}

function Outline({ session }: { session: ConversationSession }) {
  const { editor, board } = session
  const snapshot = useSnapshot(session)
  const title = useBoardText(board.controlDoc, BOARD_TITLE_KEY) || board.initialTitle
  const problem = useBoardText(board.controlDoc, BOARD_PROBLEM_KEY)
  const groups = useValue('outline groups', () => groupCards(editor, snapshot.cards, session.cardShapes.get()), [editor, snapshot, session])
  const links = useValue('outline links', () => linkSentences(editor, snapshot.links, snapshot.cards), [editor, snapshot])
  const rounds = useVoteRounds(board.controlDoc)
  const round = currentRound(rounds)
  const openRound = round?.status === 'open' ? round : null
  const cardCount = groups.reduce((sum, group) => sum + group.cards.length, 0)

  return (
    <div className="tt-outline" data-testid="outline">
      <section aria-labelledby="tt-outline-problem">
        <h3 id="tt-outline-problem" className="tt-outline__heading">
          Problem: {title}
        </h3>
        <p className="tt-outline__problem">{problem || 'No problem statement yet.'}</p>
      </section>
      <AddCardForm />
      <section aria-labelledby="tt-outline-cards">
        <h3 id="tt-outline-cards" className="tt-outline__heading">
          Cards ({cardCount})
        </h3>
        {cardCount === 0 && <p className="tt-outline__muted">No cards yet.</p>}
        {groups.map((group) => (
          <section key={group.name} aria-label={group.name} className="tt-outline__group">
            <h4 className="tt-outline__subheading">{group.name}</h4>
            <ul className="tt-outline__cards" data-testid="outline-cards">
              {group.cards.map(({ card, shapeId }) => (
                <OutlineCardItem
                  key={card.id}
                  session={session}
                  card={card}
                  shapeId={shapeId}
                  thread={snapshot.threads.get(card.id) ?? null}
                  round={openRound}
                />
              ))}
            </ul>
          </section>
        ))}
      </section>
      <section aria-labelledby="tt-outline-links">
        <h3 id="tt-outline-links" className="tt-outline__heading">
          Links ({links.length})
        </h3>
        {links.length === 0 ? (
          <p className="tt-outline__muted">No links yet.</p>
        ) : (
          <ul className="tt-outline__links" data-testid="outline-links">
            {links.map((link) => (
              <li key={link.id}>{link.sentence}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

function linkSentences(editor: Editor, links: ReadonlyMap<string, LinkMeta>, cards: ReadonlyMap<string, CardData>): Array<{ id: string; sentence: string }> {
  const cardText = (shapeId: TLShapeId) => {
    const cardId = (editor.getShape(shapeId)?.props as { cardId?: unknown } | undefined)?.cardId
    const card = typeof cardId === 'string' ? cards.get(cardId) : undefined
    return card ? `“${shortText(card.text)}”` : 'a shape'
  }
  const sentences: Array<{ id: string; sentence: string }> = []
  for (const [arrowId, meta] of links) {
    const arrow = editor.getShape(arrowId as TLShapeId)
    if (!arrow || arrow.type !== 'arrow') continue
    const ends = linkedEnds(editor, arrow as Parameters<typeof linkedEnds>[1])
    if (!ends) continue
    sentences.push({ id: arrowId, sentence: `${cardText(ends.from)} ${LINK_TYPE_INFO[meta.linkType].label} ${cardText(ends.to)}` })
  }
  return sentences
}

function AddCardForm() {
  const editor = activeSession.get()?.editor
  const board = useBoardContext()
  const mayAdd = useMay('add-cards')
  const isReadonly = useValue('editor read-only', () => editor?.getIsReadonly() ?? true, [editor])
  const [kind, setKind] = useState<ContributionKind>('understanding')
  const [text, setText] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const id = useId()
  if (!editor || !board.canEdit) return null
  const allowed = mayAdd && !isReadonly
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!text.trim()) return
    const shapeId = addWrittenCard(editor, board, kind, text.trim())
    setMessage(shapeId ? `Added your ${CONTRIBUTION_KIND_INFO[kind].label.toLowerCase()} card.` : 'The card could not be added now.')
    if (shapeId) setText('')
  }
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="tt-outline__heading">
        Add a card
      </h3>
      {allowed ? (
        <form className="tt-outline__form" onSubmit={submit} data-testid="outline-add-card">
          <label className="tt-outline__field">
            <span>Kind</span>
            <select value={kind} onChange={(event) => setKind(event.target.value as ContributionKind)} data-testid="outline-card-kind">
              {CONTRIBUTION_KINDS.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {CONTRIBUTION_KIND_INFO[candidate].label}
                </option>
              ))}
            </select>
          </label>
          <label className="tt-outline__field">
            <span>Text</span>
            <textarea
              value={text}
              maxLength={MAX_CARD_TEXT_LENGTH}
              rows={2}
              onChange={(event) => setText(event.target.value)}
              data-testid="outline-card-text"
            />
          </label>
          <button type="submit" className="tt-outline__button tt-outline__button--primary" disabled={!text.trim()} data-testid="outline-card-add">
            Add card
          </button>
        </form>
      ) : (
        <p className="tt-outline__muted">This phase does not allow adding cards now.</p>
      )}
      <p className="tt-visually-hidden" role="status">
        {message}
      </p>
    </section>
  )
}

function OutlineCardItem({
  session,
  card,
  shapeId,
  thread,
  round,
}: {
  session: ConversationSession
  card: CardData
  shapeId: TLShapeId
  thread: ThreadData | null
  round: VoteRound | null
}) {
  const { board, editor } = session
  const kindLabel = CONTRIBUTION_KIND_INFO[card.kind].label
  const replies = thread?.replies.filter((reply) => !reply.deleted) ?? []
  const headingId = useId()
  return (
    <li className="tt-outline__card" data-testid="outline-card" data-card-id={card.id}>
      <article aria-labelledby={headingId}>
        <h5 id={headingId} className="tt-outline__card-heading">
          {kindLabel} by {authorOf(card)}
        </h5>
        <p className="tt-outline__card-text">{card.text || '(empty)'}</p>
        <div className="tt-outline__actions">
          <Reactions cardId={card.id} />
          {round?.cardIds.includes(card.id) && <Dots round={round} cardId={card.id} cardText={shortText(card.text)} />}
          <button type="button" className="tt-outline__button" onClick={() => bringShapeIntoView(editor, shapeId, { select: true })}>
            Show on the canvas
          </button>
        </div>
        <section aria-label={`Replies to ${shortText(card.text)}`}>
          {replies.length > 0 && (
            <ul className="tt-outline__replies" data-testid="outline-replies">
              {replies.map((reply) => (
                <li key={reply.id}>
                  <strong>{reply.author.name}:</strong> {reply.text}
                </li>
              ))}
            </ul>
          )}
          <ReplyForm board={board} cardId={card.id} cardText={shortText(card.text)} />
        </section>
      </article>
    </li>
  )
}

function Reactions({ cardId }: { cardId: string }) {
  const board = useBoardContext()
  const mayReact = useMay('react')
  const myId = board.getMe().id
  const reactions = readReactions(board.conversationDoc, cardId)
  if (!canWriteBoard(board.role)) return null
  return (
    <>
      {REACTIONS.map((reaction) => {
        const givers = reactions[reaction]
        const mine = givers.some((giver) => giver.id === myId)
        return (
          <button
            key={reaction}
            type="button"
            className="tt-outline__button"
            aria-pressed={mine}
            disabled={!mayReact}
            onClick={() => {
              if (board.permissions.may('react')) toggleReaction(board.conversationDoc, cardId, reaction, board.getMe(), Date.now())
            }}
            data-testid={`outline-reaction-${reaction}`}
          >
            {REACTION_INFO[reaction].label} ({givers.length})
          </button>
        )
      })}
    </>
  )
}

function Dots({ round, cardId, cardText }: { round: VoteRound; cardId: string; cardText: string }) {
  const { role } = useBoardContext()
  const mayVote = useMay('vote')
  const ballot = useBallots((state) => state.ballots[round.roundId])
  const mine = ballot?.dots[cardId] ?? 0
  if (!canWriteBoard(role)) return null
  const left = ballot ? dotsLeft(ballot.dots, round.budget) : 0
  return (
    <span className="tt-outline__dots" role="group" aria-label={`Your dots on ${cardText}`}>
      <button
        type="button"
        className="tt-outline__button"
        disabled={!mayVote || mine === 0}
        onClick={() => useBallots.getState().removeDot(round, cardId)}
        data-testid="outline-dot-remove"
      >
        Remove a dot
      </button>
      <span data-testid="outline-dots">
        {mine} {mine === 1 ? 'dot' : 'dots'} ({dotsUsed(ballot?.dots ?? {})} used, {left} left)
      </span>
      <button
        type="button"
        className="tt-outline__button"
        disabled={!mayVote || left === 0}
        onClick={() => useBallots.getState().addDot(round, cardId)}
        data-testid="outline-dot-add"
      >
        Add a dot
      </button>
    </span>
  )
}

function ReplyForm({ board, cardId, cardText }: { board: ConversationSession['board']; cardId: string; cardText: string }) {
  const mayReply = useMay('reply')
  const [draft, setDraft] = useState('')
  if (!canWriteBoard(board.role)) return null
  const send = (event: FormEvent) => {
    event.preventDefault()
    if (!draft.trim() || !board.permissions.may('reply')) return
    addReply(board.conversationDoc, cardId, { author: board.getMe(), text: draft.trim(), now: Date.now() })
    setDraft('')
  }
  return (
    <form className="tt-outline__reply" onSubmit={send}>
      <label className="tt-outline__field">
        <span className="tt-visually-hidden">Reply to {cardText}</span>
        <input
          value={draft}
          maxLength={MAX_REPLY_TEXT_LENGTH}
          placeholder="Reply…"
          disabled={!mayReply}
          onChange={(event) => setDraft(event.target.value)}
          data-testid="outline-reply-input"
        />
      </label>
      <button type="submit" className="tt-outline__button" disabled={!mayReply || !draft.trim()} data-testid="outline-reply-send">
        Reply
      </button>
    </form>
  )
}
