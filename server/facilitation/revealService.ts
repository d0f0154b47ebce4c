/**
 * Think alone, then reveal (see shared/board/drafts.ts): the server does what no member may do
 * themselves — read everyone's private drafts and put them on the canvas at once, attributed or
 * (when the author chose so) anonymous, inserted with the server's own Yjs client id. Each
 * revealed card keeps the text it had at reveal. Drafts that arrive later (their author was
 * offline) are revealed when they are stored, until the facilitator closes the round.
 *
 * Card and shape ids are derived from the draft, so a draft is never revealed twice, even if the
 * server stops between placing a card and marking its draft.
 */
import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import { canvasDocName, controlDocName, parseDocName } from '../../shared/board/docNames'
import { TLDRAW_RECORDS_MAP, CARDS_MAP } from '../../shared/board/docLayout'
import { createCard, hasCard } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { listDrafts, markDraftRevealed, markThinkAloneRevealed, readThinkAloneRound, type DraftData, type ThinkAloneRound } from '../../shared/board/drafts'
import type { Relay } from '../relay/relay'
import type { Storage } from '../storage/storage'

export type RevealOutcome =
  | { ok: true; revealed: number; ms: number }
  | { ok: false; reason: 'no-round' | 'round-closed' }

function idsFor(draftsDoc: string, draftId: string): { cardId: string; shapeId: string } {
  const digest = createHash('sha256').update(`${draftsDoc}\u0000${draftId}`).digest('hex')
  return { cardId: `card:${digest.slice(0, 24)}`, shapeId: `shape:reveal-${digest.slice(24, 48)}` }
}

export class RevealService {
  private readonly pendingLateReveals = new Map<string, NodeJS.Timeout>()

  constructor(
    private readonly relay: Relay,
    private readonly storage: Storage,
    private readonly log: Logger,
  ) {}

  /** Facilitator's reveal: every person's unrevealed drafts onto the canvas, at once. */
  async revealAll(boardId: string): Promise<RevealOutcome> {
    const started = performance.now()
    const round = await this.relay.changeDocument(controlDocName(boardId), (control): ThinkAloneRound | null => {
      const current = readThinkAloneRound(control.doc)
      if (current && current.status !== 'closed') markThinkAloneRevealed(control.doc, Date.now())
      return current
    })
    if (!round) return { ok: false, reason: 'no-round' }
    if (round.status === 'closed') return { ok: false, reason: 'round-closed' }
    const names = await this.storage.listDocumentNames(`${boardId}.drafts.`)
    const counts = await Promise.all(names.map((name) => this.revealDraftsDocument(boardId, name, round.roundId)))
    const revealed = counts.reduce((sum, n) => sum + n, 0)
    const ms = performance.now() - started
    this.log.info({ boardId, revealed, people: names.length, ms }, 'drafts revealed')
    return { ok: true, revealed, ms }
  }

  /** Called whenever a document's updates are stored: late drafts are revealed while the round allows. */
  documentStored(docName: string): void {
    const parsed = parseDocName(docName)
    if (parsed?.kind !== 'drafts' || this.pendingLateReveals.has(docName)) return
    const timer = setTimeout(() => {
      this.pendingLateReveals.delete(docName)
      void this.revealLateDrafts(parsed.boardId, docName).catch((error: unknown) =>
        this.log.error({ err: error, boardId: parsed.boardId }, 'revealing late drafts failed'),
      )
    }, 50)
    timer.unref()
    this.pendingLateReveals.set(docName, timer)
  }

  private async revealLateDrafts(boardId: string, docName: string): Promise<void> {
    const round = await this.relay.changeDocument(controlDocName(boardId), (control) => readThinkAloneRound(control.doc))
    if (round?.status !== 'revealed') return
    const revealed = await this.revealDraftsDocument(boardId, docName, round.roundId)
    if (revealed > 0) this.log.info({ boardId, revealed }, 'late drafts revealed')
  }

  /** Reveals the drafts of one person written for `roundId` and not revealed yet. */
  private async revealDraftsDocument(boardId: string, docName: string, roundId: string): Promise<number> {
    const drafts = await this.relay.changeDocument(docName, (document) =>
      listDrafts(document.doc).filter((draft) => !draft.revealedCardId && draft.roundId === roundId),
    )
    if (drafts.length === 0) return 0
    const now = Date.now()
    const placed = await this.relay.changeDocument(canvasDocName(boardId), (canvas) => {
      const records = canvas.doc.getMap(TLDRAW_RECORDS_MAP)
      const placedDrafts: Array<{ draft: DraftData; cardId: string }> = []
      canvas.doc.transact(() => {
        drafts.forEach((draft, i) => {
          const { cardId, shapeId } = idsFor(docName, draft.id)
          if (!hasCard(canvas.doc, cardId)) {
            createCard(canvas.doc, { id: cardId, kind: draft.kind, text: draft.text, author: draft.author, anonymous: draft.anonymous, now })
            const card = canvas.doc.getMap(CARDS_MAP).get(cardId) as { set(key: string, value: unknown): void }
            card.set('revealedText', draft.text)
            card.set('revealedAt', now)
            card.set('createdAt', draft.createdAt)
          }
          if (!records.has(shapeId)) {
            records.set(
              shapeId,
              contributionShapeRecord({ id: shapeId, parentId: draft.parentId, index: `a${(i % 9) + 1}`, x: draft.x, y: draft.y, w: draft.w || 240, h: draft.h || 160, cardId }),
            )
          }
          placedDrafts.push({ draft, cardId })
        })
      }, 'server')
      return placedDrafts
    })
    await this.relay.changeDocument(docName, (document) => {
      document.doc.transact(() => {
        for (const { draft, cardId } of placed) markDraftRevealed(document.doc, draft.id, cardId, now)
      }, 'server')
    })
    return placed.length
  }
}
