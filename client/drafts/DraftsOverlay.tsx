/**
 * Think alone, then reveal, in the board's dock (the Think alone panel): while a round is open a member
 * sees that only they can see their drafts, adds drafts (a kind, optionally anonymous), writes
 * them, and says when they are ready; after the reveal each draft says it was revealed. The
 * facilitator starts the round, sees how many are ready, reveals, and closes the round. While the
 * round is open drafts.css hides the card palette for members: their new cards are drafts. A
 * member's panel comes up by itself when a round opens.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type CSSProperties } from 'react'
import { useEditor } from 'tldraw'
import type * as Y from 'yjs'
import { replaceText } from '../../shared/board/boardModel'
import {
  DRAFTS_MAP,
  closeThinkAloneRound,
  deleteDraft,
  getDraftText,
  listDrafts,
  openThinkAloneRound,
  readThinkAloneRound,
  type DraftData,
  type ThinkAloneRound,
} from '../../shared/board/drafts'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO, MAX_CARD_TEXT_LENGTH } from '../../shared/board/vocabulary'
import { useBoardContext } from '../board/boardContext'
import { KIND_ACCENT } from '../contributions/kindStyle'
import { draftsForRound, setDraftAnonymous } from './draftsModel'
import { useDraftsUi } from './draftsStore'
import { countReady, isLocallyReady, publishReady, type ReadyCount } from './readiness'
import { addDraft } from './registerDrafts'
import { useDockStore } from '../dock/dockStore'

/** The Think alone panel's id in the dock. */
export const DRAFTS_PANEL_ID = 'drafts'
import { requestReveal } from '../api/revealApi'
import './drafts.css'

/** What this person gets of the round now: the facilitator its controls, a member their drafts. */
function useDraftsView() {
  const { role, controlDoc } = useBoardContext()
  const round = useThinkAloneRound(controlDoc)
  const connection = useDraftsUi((state) => state.connection)
  const drafts = useDrafts(connection?.doc ?? null)
  const shown = draftsForRound(drafts, round)
  const isFacilitator = role === 'facilitator'
  const hasPrivateLeftovers = round?.status === 'closed' && shown.some((draft) => draft.revealedAt === null)
  const showWriting = role !== 'observer' && (round?.status === 'open' || round?.status === 'revealed' || hasPrivateLeftovers)
  return { round, shown, isFacilitator, showWriting }
}

/** Whether the Think alone panel has anything for this person. */
export function useDraftsAvailable(): boolean {
  const { isFacilitator, showWriting } = useDraftsView()
  return isFacilitator || showWriting
}

/** The Think alone panel's body in the dock. */
export function DraftsPanelBody() {
  const { round, shown, isFacilitator, showWriting } = useDraftsView()
  return (
    <div className="tt-drafts" data-testid="drafts" data-round-status={round?.status ?? 'none'}>
      {isFacilitator && <RoundControls round={round} />}
      {showWriting && round && <MyDrafts round={round} drafts={shown} />}
    </div>
  )
}

/**
 * Brings a member's Think alone panel up when a round opens (or is open when they arrive): what
 * they write now goes there. Once per round, so closing the panel keeps it closed.
 */
export function DraftsRoundWatcher() {
  const { role, controlDoc } = useBoardContext()
  const round = useThinkAloneRound(controlDoc)
  const shownFor = useRef<string | null>(null)
  const openRoundId = round?.status === 'open' ? round.roundId : null
  useEffect(() => {
    if (role !== 'member' || !openRoundId || shownFor.current === openRoundId) return
    shownFor.current = openRoundId
    useDockStore.getState().open(DRAFTS_PANEL_ID)
  }, [role, openRoundId])
  return null
}

function useThinkAloneRound(controlDoc: Y.Doc): ThinkAloneRound | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const map = controlDoc.getMap(FACILITATION_MAP)
      map.observe(onChange)
      return () => map.unobserve(onChange)
    },
    [controlDoc],
  )
  const read = useCallback(() => JSON.stringify(readThinkAloneRound(controlDoc)), [controlDoc])
  const snapshot = useSyncExternalStore(subscribe, read)
  return JSON.parse(snapshot) as ThinkAloneRound | null
}

function useDrafts(doc: Y.Doc | null): DraftData[] {
  const [drafts, setDrafts] = useState<DraftData[]>(() => (doc ? listDrafts(doc) : []))
  useEffect(() => {
    if (!doc) {
      setDrafts([])
      return
    }
    const map = doc.getMap(DRAFTS_MAP)
    const update = () => setDrafts(listDrafts(doc))
    update()
    map.observeDeep(update)
    return () => map.unobserveDeep(update)
  }, [doc])
  return drafts
}

function useReadyCount(roundId: string | null): ReadyCount {
  const { awareness } = useBoardContext()
  const read = useCallback(
    () => (roundId ? countReady(awareness.getStates() as Map<number, Record<string, unknown>>, roundId) : { ready: 0, total: 0 }),
    [awareness, roundId],
  )
  const [count, setCount] = useState(read)
  useEffect(() => {
    const update = () => setCount(read())
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness, read])
  return count
}

function RoundControls({ round }: { round: ThinkAloneRound | null }) {
  const { boardId, token, controlDoc } = useBoardContext()
  const { ready, total } = useReadyCount(round?.status === 'open' ? round.roundId : null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)

  const start = () => {
    setMessage(null)
    openThinkAloneRound(controlDoc, crypto.randomUUID(), Date.now())
  }
  const reveal = async () => {
    setBusy(true)
    setMessage(null)
    try {
      const result = await requestReveal(boardId, token)
      setMessage(result.revealed === 1 ? '1 draft revealed' : `${result.revealed} drafts revealed`)
    } catch (error) {
      setMessage(error instanceof Error ? error.message : 'Reveal failed.')
    } finally {
      setBusy(false)
    }
  }
  const close = () => {
    setMessage(null)
    closeThinkAloneRound(controlDoc)
  }

  return (
    <section className="tt-drafts__card" aria-label="Think-alone round" data-testid="drafts-round-controls">
      <div className="tt-drafts__row">
        <strong className="tt-drafts__title">Think alone</strong>
        {round?.status === 'open' && (
          <span className="tt-drafts__count" role="status" aria-live="polite" data-testid="drafts-ready-count" data-ready={ready} data-total={total}>
            {ready} of {total} ready
          </span>
        )}
        {round?.status === 'revealed' && <span className="tt-drafts__muted">Revealed</span>}
      </div>
      <div className="tt-drafts__actions">
        {round?.status !== 'open' && (
          <button type="button" className="tt-drafts__button tt-drafts__button--primary" onClick={start} data-testid="drafts-start-round">
            Start think-alone round
          </button>
        )}
        {round?.status === 'open' && (
          <button
            type="button"
            className="tt-drafts__button tt-drafts__button--primary"
            onClick={() => void reveal()}
            disabled={busy}
            data-testid="drafts-reveal"
          >
            {busy ? 'Revealing…' : 'Reveal'}
          </button>
        )}
        {(round?.status === 'open' || round?.status === 'revealed') && (
          <button type="button" className="tt-drafts__button" onClick={close} data-testid="drafts-close-round">
            Close round
          </button>
        )}
      </div>
      {message && (
        <p className="tt-drafts__muted" role="status" data-testid="drafts-reveal-message">
          {message}
        </p>
      )}
    </section>
  )
}

const STATUS_TEXT: Record<ThinkAloneRound['status'], string> = {
  open: 'Thinking alone — only you can see your drafts',
  revealed: 'Revealed — drafts are on the board',
  closed: 'Round closed — drafts not revealed stay private',
}

function MyDrafts({ round, drafts }: { round: ThinkAloneRound; drafts: DraftData[] }) {
  const board = useBoardContext()
  const editor = useEditor()
  const connection = useDraftsUi((state) => state.connection)
  const anonymous = useDraftsUi((state) => state.anonymous)
  const setAnonymous = useDraftsUi((state) => state.setAnonymous)
  const ready = useLocallyReady(round.roundId)
  const [isCollapsed, setCollapsed] = useState(false)
  const isOpen = round.status === 'open'

  return (
    <section className="tt-drafts__card" aria-label="Your drafts" data-testid="my-drafts">
      <p className="tt-drafts__banner" role="status" data-testid="drafts-banner">
        {STATUS_TEXT[round.status]}
      </p>
      <div className="tt-drafts__actions">
        {isOpen && connection && (
          <button
            type="button"
            className="tt-drafts__button tt-drafts__ready"
            aria-pressed={ready}
            onClick={() => publishReady(board.awareness, round.roundId, !ready)}
            data-testid="drafts-ready"
          >
            {ready ? 'Ready ✓' : 'I’m ready'}
          </button>
        )}
        <button
          type="button"
          className="tt-drafts__button tt-drafts__button--quiet tt-drafts__toggle"
          aria-expanded={!isCollapsed}
          aria-controls="tt-drafts-body"
          onClick={() => setCollapsed((collapsed) => !collapsed)}
        >
          {isCollapsed ? 'Show drafts' : 'Hide drafts'}
        </button>
      </div>
      {!isCollapsed && (
        <div id="tt-drafts-body" className="tt-drafts__body">
          {isOpen && connection && (
            <div className="tt-drafts__add" role="group" aria-label="Add a draft">
              <span className="tt-drafts__muted" aria-hidden>
                Add a draft
              </span>
              <div className="tt-drafts__kinds">
                {CONTRIBUTION_KINDS.map((kind) => {
                  const { label, hint, shortcut } = CONTRIBUTION_KIND_INFO[kind]
                  return (
                    <button
                      key={kind}
                      type="button"
                      className="tt-drafts__kind"
                      style={{ '--tt-kind': KIND_ACCENT[kind] } as CSSProperties}
                      aria-label={`Add ${anonymous ? 'an anonymous ' : 'a '}${label.toLowerCase()} draft`}
                      aria-keyshortcuts={board.role === 'member' ? shortcut : undefined}
                      title={hint}
                      onClick={() => addDraft(editor, board, connection, kind, anonymous)}
                      data-testid={`add-draft-${kind}`}
                    >
                      <span className="tt-drafts__swatch" aria-hidden />
                      {label}
                    </button>
                  )
                })}
              </div>
              <label className="tt-drafts__check">
                <input type="checkbox" checked={anonymous} onChange={(event) => setAnonymous(event.target.checked)} data-testid="drafts-anonymous" />
                Reveal new drafts anonymously
              </label>
            </div>
          )}
          {drafts.length === 0 ? (
            isOpen && <p className="tt-drafts__muted">No drafts yet. Press 1–6 or choose a kind.</p>
          ) : (
            <ol className="tt-drafts__list" aria-label="Drafts">
              {drafts.map((draft) => (
                <DraftItem key={draft.id} draft={draft} doc={connection?.doc ?? null} />
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  )
}

function useLocallyReady(roundId: string): boolean {
  const { awareness } = useBoardContext()
  const [ready, setReady] = useState(() => isLocallyReady(awareness, roundId))
  useEffect(() => {
    const update = () => setReady(isLocallyReady(awareness, roundId))
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness, roundId])
  return ready
}

function DraftItem({ draft, doc }: { draft: DraftData; doc: Y.Doc | null }) {
  const focusDraftId = useDraftsUi((state) => state.focusDraftId)
  const focusDraft = useDraftsUi((state) => state.focusDraft)
  const field = useRef<HTMLTextAreaElement>(null)
  const isRevealed = draft.revealedAt !== null
  const { label } = CONTRIBUTION_KIND_INFO[draft.kind]

  useEffect(() => {
    if (focusDraftId !== draft.id) return
    field.current?.focus()
    focusDraft(null)
  }, [focusDraftId, draft.id, focusDraft])

  const write = (value: string) => {
    const text = doc ? getDraftText(doc, draft.id) : null
    if (text) replaceText(text, value)
  }

  return (
    <li
      className="tt-drafts__draft"
      style={{ '--tt-kind': KIND_ACCENT[draft.kind] } as CSSProperties}
      data-testid="draft"
      data-draft-id={draft.id}
      data-revealed={isRevealed}
    >
      <div className="tt-drafts__row">
        <span className="tt-drafts__kind-label">{label}</span>
        {isRevealed ? (
          draft.anonymous && <span className="tt-drafts__tag">anonymous</span>
        ) : (
          <label className="tt-drafts__check" title="Others see “Anonymous” when it is revealed">
            <input
              type="checkbox"
              checked={draft.anonymous}
              disabled={!doc}
              onChange={(event) => doc && setDraftAnonymous(doc, draft.id, event.target.checked)}
              data-testid="draft-anonymous"
            />
            Anonymous
          </label>
        )}
        {isRevealed ? (
          <span className="tt-drafts__tag tt-drafts__tag--revealed" data-testid="draft-revealed">
            revealed
          </span>
        ) : (
          <button
            type="button"
            className="tt-drafts__button tt-drafts__button--quiet"
            aria-label={`Remove this ${label.toLowerCase()} draft`}
            onClick={() => doc && deleteDraft(doc, draft.id)}
            disabled={!doc}
          >
            Remove
          </button>
        )}
      </div>
      <textarea
        ref={field}
        className="tt-drafts__text"
        aria-label={`Your ${label.toLowerCase()} draft`}
        value={draft.text}
        maxLength={MAX_CARD_TEXT_LENGTH}
        readOnly={isRevealed || !doc}
        rows={3}
        onChange={(event) => write(event.target.value)}
        onKeyDown={(event) => event.stopPropagation()}
        data-testid="draft-text"
      />
    </li>
  )
}
