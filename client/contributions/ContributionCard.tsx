/**
 * What a contribution card shows on the canvas: its kind, its text (a textarea bound to the
 * card's Y.Text while editing), who wrote it and when, who edited it since, reactions with the
 * names behind them, the reply count, and the "what's new" highlight. Each card listens only to
 * its own entries in the document (see cardSubscriptions.ts). Everything members wrote is
 * rendered as React text. The card measures the height its text needs (cardFit.ts grows it up to
 * a limit; beyond, the text scrolls). Its buttons are out of the page's Tab order: the card
 * actions bar (CardActionsBar.tsx) is their keyboard path; they are 44 px touch targets.
 */
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent, type RefObject } from 'react'
import { useEditor, useIsEditing, useValue } from 'tldraw'
import { editCardText, getCardText, toggleReaction, type CardData, type Person, type ReactionGiver } from '../../shared/board/boardModel'
import { CONTRIBUTION_KIND_INFO, MAX_CARD_TEXT_LENGTH, REACTIONS, REACTION_INFO, type Reaction } from '../../shared/board/vocabulary'
import { useBoardContext } from '../board/boardContext'
import { useHighlightStore } from '../state/highlightStore'
import { ApiError } from '../api/apiRequest'
import { useMay } from '../board/useMay'
import { claimAnonymousCard, useClaimKeys } from './anonymousCards'
import { useContributionUi } from './cardCreation'
import { isCardClipped, isCardExpanded, reportNeededHeight } from './cardFit'
import { useCardData, useCardReactions, useMemberPractice, useReplyCount } from './cardSubscriptions'
import { bindTextareaToText } from './cardText'
import type { ContributionShape } from './ContributionShapeUtil'
import { KIND_ACCENT } from './kindStyle'
import { formatFullTime, formatRelativeTime, useNow } from './relativeTime'

/** Keeps a press on a card's control from also selecting or dragging the card. */
const stopCanvasPointer = (event: ReactPointerEvent) => event.stopPropagation()

type Highlight = 'focused' | 'new' | null

/** Below this zoom the card's text is drawn larger (contributions.css), so it is not measured then. */
const MEASURE_MIN_ZOOM = 0.85

/**
 * Reports the height this card's content needs: the card's own chrome (header, byline, footer)
 * plus its text's natural height, or the textarea's scroll height while someone types.
 */
function useNeededHeight(shapeId: string, article: RefObject<HTMLElement | null>, text: RefObject<HTMLElement | null>, body: RefObject<HTMLElement | null>) {
  const editor = useEditor()
  useLayoutEffect(() => {
    const measure = () => {
      const card = article.current
      const box = text.current
      if (!card || !box || editor.getZoomLevel() < MEASURE_MIN_ZOOM) return
      const content = box instanceof HTMLTextAreaElement ? box.scrollHeight : (body.current?.offsetHeight ?? box.clientHeight)
      reportNeededHeight(shapeId, card.offsetHeight - box.clientHeight + content)
    }
    measure()
    const observer = new ResizeObserver(measure)
    for (const element of [article.current, body.current, text.current]) if (element) observer.observe(element)
    const box = text.current
    box?.addEventListener('input', measure)
    return () => {
      observer.disconnect()
      box?.removeEventListener('input', measure)
    }
  })
}

export function ContributionCard({ shape }: { shape: ContributionShape }) {
  const board = useBoardContext()
  const { cardId } = shape.props
  const card = useCardData(board.canvasDoc, cardId)
  const isEditing = useIsEditing(shape.id)
  const holdsClaimKey = useClaimKeys((state) => cardId in state.keys)
  const highlight = useHighlightStore((state): Highlight => (state.focused === cardId ? 'focused' : state.highlighted.has(cardId) ? 'new' : null))
  const editor = useEditor()
  const clipped = useValue('card clipped', () => isCardClipped(editor.getShape<ContributionShape>(shape.id) ?? shape), [editor, shape])
  const expanded = useValue('card expanded', () => isCardExpanded(shape.id), [shape.id])
  const articleRef = useRef<HTMLElement>(null)
  const textRef = useRef<HTMLElement>(null)
  const bodyRef = useRef<HTMLDivElement>(null)
  useNeededHeight(shape.id, articleRef, textRef, bodyRef)
  const isSelected = useValue('card selected', () => editor.getOnlySelectedShapeId() === shape.id, [editor, shape.id])
  // The selected card's overflowing text scrolls under the wheel (tldraw would pan the canvas).
  useEffect(() => {
    const text = textRef.current
    if (!text || !clipped || !isSelected) return
    const keepWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) event.stopPropagation()
    }
    text.addEventListener('wheel', keepWheel)
    return () => text.removeEventListener('wheel', keepWheel)
  })

  if (!card) {
    return (
      <div className="tt-card tt-card--missing" data-testid="contribution-card" data-card-id={cardId}>
        <p className="tt-card__placeholder">This card has not arrived yet.</p>
      </div>
    )
  }

  const isMyAnonymousCard = card.anonymous && holdsClaimKey
  const info = CONTRIBUTION_KIND_INFO[card.kind]
  return (
    <article
      ref={articleRef}
      className="tt-card"
      style={{ '--tt-kind': KIND_ACCENT[card.kind] } as CSSProperties}
      data-testid="contribution-card"
      data-card-id={cardId}
      data-kind={card.kind}
      data-highlight={highlight ?? undefined}
      data-editing={isEditing || undefined}
      data-clipped={clipped || undefined}
      data-expanded={expanded || undefined}
      aria-label={`${info.label} card`}
    >
      <header className="tt-card__header">
        <span className="tt-card__kind" data-testid="card-kind">
          {info.label}
        </span>
        {highlight && <span className="tt-card__new">{highlight === 'focused' ? 'New · viewing' : 'New'}</span>}
        <CardTime card={card} />
      </header>
      {isEditing && !isMyAnonymousCard ? (
        <CardTextEditor
          shapeId={shape.id}
          cardId={cardId}
          label={`Text of this ${info.label.toLowerCase()} card`}
          textareaRef={textRef as RefObject<HTMLTextAreaElement | null>}
        />
      ) : (
        <div ref={textRef as RefObject<HTMLDivElement | null>} className="tt-card__text" data-testid="card-text">
          <div ref={bodyRef} className="tt-card__text-body">
            {card.text || <span className="tt-card__placeholder">{info.hint}…</span>}
          </div>
        </div>
      )}
      <CardByline card={card} isMyAnonymousCard={isMyAnonymousCard} />
      <footer className="tt-card__footer">
        <CardReactions cardId={cardId} />
        <ReplyButton shapeId={shape.id} cardId={cardId} />
      </footer>
    </article>
  )
}

function CardTime({ card }: { card: CardData }) {
  const now = useNow()
  return (
    <time className="tt-card__time" dateTime={new Date(card.createdAt).toISOString()} title={`Written ${formatFullTime(card.createdAt)}`}>
      {formatRelativeTime(card.createdAt, now)}
    </time>
  )
}

/** The author's name and, when they gave one, their practice line (what they bring to the problem). */
function PersonName({ person }: { person: Person }) {
  const board = useBoardContext()
  const practice = useMemberPractice(board.peopleDoc, person.id)
  return (
    <span className="tt-card__person" title={practice ? `${person.name} — ${practice}` : undefined}>
      <span className="tt-card__dot" style={{ background: person.color }} aria-hidden />
      <span className="tt-card__name">{person.name}</span>
      {practice && (
        <span className="tt-card__practice" data-testid="card-author-practice">
          <span aria-hidden>·</span>
          <span className="tt-visually-hidden">,</span> {practice}
        </span>
      )}
    </span>
  )
}

function CardByline({ card, isMyAnonymousCard }: { card: CardData; isMyAnonymousCard: boolean }) {
  const board = useBoardContext()
  const me = board.getMe()
  const editor = card.lastEditor && card.lastEditor.id !== card.author?.id ? card.lastEditor : null
  return (
    <div className="tt-card__byline" data-testid="card-author">
      {card.anonymous ? (
        <span className="tt-card__person tt-card__person--anonymous">
          <span className="tt-card__dot tt-card__dot--anonymous" aria-hidden />
          {isMyAnonymousCard ? 'You (anonymous)' : 'Anonymous'}
        </span>
      ) : card.author ? (
        <PersonName person={card.author} />
      ) : (
        <span className="tt-card__person">Unknown</span>
      )}
      {editor && (
        <span className="tt-card__edited" data-testid="card-edited-by" title={`Last edited ${formatFullTime(card.updatedAt)}`}>
          edited by {editor.id === me.id ? 'you' : editor.name}
        </span>
      )}
      {isMyAnonymousCard && <AnonymousAuthorActions card={card} />}
    </div>
  )
}

/** The anonymous author's own controls: change the text (through the server) or claim the card. */
function AnonymousAuthorActions({ card }: { card: CardData }) {
  const board = useBoardContext()
  const openComposer = useContributionUi((state) => state.openComposer)
  const [isConfirming, setConfirming] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  // Changing or claiming an anonymous card changes the canvas: the server allows it when members may.
  const mayChangeCanvas = useValue('may change the canvas', () => board.permissions.mayWriteDoc('canvas'), [board])
  const claim = async () => {
    setProblem(null)
    try {
      await claimAnonymousCard(board.boardId, board.person.personToken, card.id)
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The card could not be claimed.')
    }
    setConfirming(false)
  }
  if (!board.canEdit || !mayChangeCanvas) return null
  return (
    <span className="tt-card__own-actions" onPointerDown={stopCanvasPointer}>
      {isConfirming ? (
        <>
          <button type="button" tabIndex={-1} className="tt-card__link" onClick={claim} data-testid="card-claim-confirm">
            Show my name
          </button>
          <button type="button" tabIndex={-1} className="tt-card__link tt-card__link--quiet" onClick={() => setConfirming(false)}>
            Keep anonymous
          </button>
        </>
      ) : (
        <>
          <button
            type="button"
            tabIndex={-1}
            className="tt-card__link"
            aria-label="Edit your anonymous card"
            data-testid="card-anonymous-edit"
            onClick={() => openComposer({ mode: 'edit', kind: card.kind, cardId: card.id, text: card.text })}
          >
            Edit
          </button>
          <button
            type="button"
            tabIndex={-1}
            className="tt-card__link"
            aria-label="Claim this card: show your name as its author"
            data-testid="card-claim"
            onClick={() => setConfirming(true)}
          >
            Claim
          </button>
        </>
      )}
      {problem && (
        <span className="tt-card__problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  )
}

function CardTextEditor({
  shapeId,
  cardId,
  label,
  textareaRef,
}: {
  shapeId: ContributionShape['id']
  cardId: string
  label: string
  textareaRef: RefObject<HTMLTextAreaElement | null>
}) {
  const board = useBoardContext()
  const editor = useEditor()

  useEffect(() => {
    const textarea = textareaRef.current
    const text = getCardText(board.canvasDoc, cardId)
    if (!textarea || !text) return
    const binding = bindTextareaToText(textarea, text, (next) => editCardText(board.canvasDoc, cardId, next, board.getMe(), Date.now()))
    textarea.focus()
    textarea.setSelectionRange(textarea.value.length, textarea.value.length)
    const selectAll = (event: { shapeId: string }) => {
      if (event.shapeId === shapeId) textarea.select()
    }
    editor.on('select-all-text', selectAll)

    // Enter finishes (Shift+Enter is a new line). It finishes on key up, and neither key event
    // reaches tldraw, which would otherwise start editing the still-selected card again.
    let isFinishing = false
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
      event.preventDefault()
      event.stopPropagation()
      isFinishing = true
    }
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !isFinishing) return
      event.stopPropagation()
      isFinishing = false
      editor.complete()
      editor.focus()
    }
    textarea.addEventListener('keydown', onKeyDown)
    textarea.addEventListener('keyup', onKeyUp)
    return () => {
      binding.dispose()
      editor.off('select-all-text', selectAll)
      textarea.removeEventListener('keydown', onKeyDown)
      textarea.removeEventListener('keyup', onKeyUp)
    }
  }, [board, cardId, editor, shapeId, textareaRef])

  return (
    <textarea
      ref={textareaRef}
      className="tt-card__textarea"
      aria-label={label}
      data-testid="card-textarea"
      placeholder="Write here. Enter to finish, Shift+Enter for a new line."
      maxLength={MAX_CARD_TEXT_LENGTH}
      onPointerDown={stopCanvasPointer}
    />
  )
}

function reactionNames(givers: ReactionGiver[], me: Person): string {
  return givers.map((giver) => (giver.id === me.id ? 'you' : giver.name)).join(', ')
}

function CardReactions({ cardId }: { cardId: string }) {
  const board = useBoardContext()
  const reactions = useCardReactions(board.conversationDoc, cardId)
  const mayReact = useMay('react')
  const me = board.getMe()
  const toggle = (reaction: Reaction) => {
    if (board.permissions.may('react')) toggleReaction(board.conversationDoc, cardId, reaction, board.getMe(), Date.now())
  }
  return (
    <div className="tt-card__reactions" role="group" aria-label="Reactions">
      {REACTIONS.map((reaction) => {
        const givers = reactions[reaction]
        const isMine = givers.some((giver) => giver.id === me.id)
        const { label, symbol } = REACTION_INFO[reaction]
        const names = reactionNames(givers, me)
        const tipId = `tt-tip-${cardId.replace(/[^A-Za-z0-9_-]/g, '')}-${reaction}`
        return (
          <span key={reaction} className="tt-card__reaction-wrap">
            <button
              type="button"
              tabIndex={-1}
              className="tt-card__reaction"
              data-testid={`reaction-${reaction}`}
              data-count={givers.length}
              aria-pressed={isMine}
              aria-disabled={!mayReact || undefined}
              aria-label={`${label} (${givers.length})`}
              aria-describedby={tipId}
              onPointerDown={stopCanvasPointer}
              onClick={() => toggle(reaction)}
            >
              <span aria-hidden>{symbol}</span>
              {givers.length > 0 && <span className="tt-card__count">{givers.length}</span>}
            </button>
            <span id={tipId} role="tooltip" className="tt-card__tip" data-testid={`reaction-${reaction}-names`}>
              {label}
              {names ? `: ${names}` : ''}
            </span>
          </span>
        )
      })}
    </div>
  )
}

function ReplyButton({ shapeId, cardId }: { shapeId: ContributionShape['id']; cardId: string }) {
  const board = useBoardContext()
  const editor = useEditor()
  const count = useReplyCount(board.conversationDoc, cardId)
  const label = count === 0 ? 'No replies yet: open the thread' : `${count} ${count === 1 ? 'reply' : 'replies'}: open the thread`
  return (
    <button
      type="button"
      tabIndex={-1}
      className="tt-card__replies"
      data-testid="card-replies"
      data-count={count}
      aria-label={label}
      title={label}
      onPointerDown={stopCanvasPointer}
      onClick={() => {
        editor.setCurrentTool('select')
        editor.select(shapeId)
      }}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
        <path
          d="M3 3.5h10a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H7l-3 2.5v-2.5H3a1 1 0 0 1-1-1v-6a1 1 0 0 1 1-1z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.3"
          strokeLinejoin="round"
        />
      </svg>
      {count > 0 && <span className="tt-card__count">{count}</span>}
    </button>
  )
}
