/**
 * Think alone, then reveal (see shared/board/drafts.ts): the server does what no member may do
 * themselves — read everyone's private drafts and put them on the canvas at once, attributed or
 * (when the author chose so) anonymous, inserted with the server's own Yjs client id. Each
 * revealed card keeps the text it had at reveal.
 *
 * So that nothing a member receives ties an anonymous card to its author, a reveal first reads
 * every person's drafts, then writes all named cards (each person's as a group) in one
 * transaction, and then all anonymous cards in a transaction of their own, in an order shuffled
 * across authors with crypto randomness: one update frame holds named cards only, the next
 * anonymous ones only, whose Yjs clocks, grid places and fractional indices all follow the shuffle,
 * dated at the reveal, of one size (placement and records: server/board/revealPlan.ts).
 *
 * Drafts that arrive later (their author was offline) are revealed when they are stored, while the
 * round stays revealed: named ones at once; anonymous ones are held until late anonymous drafts of
 * at least LATE_ANONYMOUS_MIN_PEOPLE people are waiting, and then go out together as one shuffled
 * block — released alone, their timing would point at the person who just came back. Drafts still
 * held when the facilitator closes the round stay private, like every draft not revealed by then.
 * Revealing again while the round is revealed treats what is left as late (so do anonymous drafts
 * left behind when the server stopped in the middle of a reveal).
 */
import { randomInt } from 'node:crypto'
import type { Logger } from 'pino'
import { canvasDocName, controlDocName, parseDocName, peopleDocName } from '../../shared/board/docNames'
import { listDrafts, markDraftRevealed, markThinkAloneRevealed, readThinkAloneRound, type ThinkAloneRound } from '../../shared/board/drafts'
import { recordRevealedTexts } from '../../shared/board/revealedTexts'
import { planReveal, writePlannedCards, type DraftToReveal, type PlannedCard } from '../board/revealPlan'
import type { Relay } from '../relay/relay'
import type { Storage } from '../storage/storage'

export type RevealOutcome = { ok: true; revealed: number; ms: number } | { ok: false; reason: 'no-round' | 'round-closed' }

/** Late anonymous drafts go out once this many people's are waiting, never fewer. */
export const LATE_ANONYMOUS_MIN_PEOPLE = 3

interface PersonDrafts {
  docName: string
  drafts: DraftToReveal[]
}

/** Fisher–Yates with the operating system's randomness: the order must not be guessable. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items]
  for (let i = result.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[result[i], result[j]] = [result[j], result[i]]
  }
  return result
}

export class RevealService {
  private readonly pendingLateReveals = new Map<string, NodeJS.Timeout>()
  /** Per board, the reveal work under way: one at a time, so a draft is placed once. */
  private readonly boardWork = new Map<string, Promise<unknown>>()
  /** Per board, the drafts documents known to hold late anonymous drafts waiting for others. */
  private readonly waitingAnonymous = new Map<string, { roundId: string; docNames: Set<string> }>()

  constructor(
    private readonly relay: Relay,
    private readonly storage: Storage,
    private readonly log: Logger,
  ) {}

  /** Facilitator's reveal: every person's unrevealed drafts onto the canvas, at once. */
  revealAll(boardId: string): Promise<RevealOutcome> {
    return this.oneAtATime(boardId, () => this.revealEveryone(boardId))
  }

  /** Called whenever a document's updates are stored: late drafts are revealed while the round allows. */
  documentStored(docName: string): void {
    const parsed = parseDocName(docName)
    if (parsed?.kind !== 'drafts' || this.pendingLateReveals.has(docName)) return
    const timer = setTimeout(() => {
      this.pendingLateReveals.delete(docName)
      void this.oneAtATime(parsed.boardId, () => this.revealLateDrafts(parsed.boardId, docName)).catch((error: unknown) =>
        this.log.error({ err: error, boardId: parsed.boardId }, 'revealing late drafts failed'),
      )
    }, 50)
    timer.unref()
    this.pendingLateReveals.set(docName, timer)
  }

  private oneAtATime<T>(boardId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.boardWork.get(boardId) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => {})
    this.boardWork.set(boardId, settled)
    void settled.then(() => {
      if (this.boardWork.get(boardId) === settled) this.boardWork.delete(boardId)
    })
    return next
  }

  private async revealEveryone(boardId: string): Promise<RevealOutcome> {
    const started = performance.now()
    const now = Date.now()
    const round = await this.relay.changeDocument(controlDocName(boardId), (control): ThinkAloneRound | null => {
      const current = readThinkAloneRound(control.doc)
      // Only an open round is written: rewriting a revealed one would race a facilitator closing it
      // (concurrent writes to the round's map entry keep one of them, by client id, not by time).
      if (current?.status === 'open') markThinkAloneRevealed(control.doc, now)
      return current
    })
    if (!round) return { ok: false, reason: 'no-round' }
    if (round.status === 'closed') return { ok: false, reason: 'round-closed' }
    const people = await this.readEveryonesDrafts(boardId, round.roundId)
    const groups = people.map((person) => person.drafts.filter(({ draft }) => !draft.anonymous))
    let revealed: number
    if (round.status === 'open') {
      this.waitingAnonymous.delete(boardId)
      const anonymous = people.flatMap((person) => person.drafts.filter(({ draft }) => draft.anonymous))
      revealed = await this.reveal(boardId, groups, anonymous, now)
    } else {
      // Revealed before: what is left was written late, and its anonymous drafts wait as late ones do.
      revealed = (await this.reveal(boardId, groups, [], now)) + (await this.releaseLateAnonymous(boardId, round.roundId, people))
    }
    const ms = performance.now() - started
    this.log.info({ boardId, revealed, people: people.length, ms }, 'drafts revealed')
    return { ok: true, revealed, ms }
  }

  private async revealLateDrafts(boardId: string, docName: string): Promise<void> {
    const round = await this.relay.changeDocument(controlDocName(boardId), (control) => readThinkAloneRound(control.doc))
    if (round?.status !== 'revealed') {
      this.waitingAnonymous.delete(boardId)
      return
    }
    const drafts = await this.readDrafts(docName, round.roundId)
    const named = drafts.filter(({ draft }) => !draft.anonymous)
    let revealed = named.length > 0 ? await this.reveal(boardId, [named], [], Date.now()) : 0
    if (drafts.some(({ draft }) => draft.anonymous)) {
      const waiting = this.waitingAnonymous.get(boardId)
      // Someone new is waiting (or, after a restart, nobody knows who is): look at everyone's drafts.
      if (waiting?.roundId !== round.roundId || !waiting.docNames.has(docName)) {
        revealed += await this.releaseLateAnonymous(boardId, round.roundId, await this.readEveryonesDrafts(boardId, round.roundId))
      }
    }
    if (revealed > 0) this.log.info({ boardId, revealed }, 'late drafts revealed')
  }

  /** Reveals the waiting anonymous drafts as one block when enough people's are waiting; else notes who waits. */
  private async releaseLateAnonymous(boardId: string, roundId: string, people: PersonDrafts[]): Promise<number> {
    const waiting = people.filter((person) => person.drafts.some(({ draft }) => draft.anonymous))
    if (waiting.length < LATE_ANONYMOUS_MIN_PEOPLE) {
      this.waitingAnonymous.set(boardId, { roundId, docNames: new Set(waiting.map((person) => person.docName)) })
      return 0
    }
    this.waitingAnonymous.delete(boardId)
    const anonymous = waiting.flatMap((person) => person.drafts.filter(({ draft }) => draft.anonymous))
    return this.reveal(boardId, [], anonymous, Date.now())
  }

  private async readEveryonesDrafts(boardId: string, roundId: string): Promise<PersonDrafts[]> {
    const names = await this.storage.listDocumentNames(`${boardId}.drafts.`)
    const people = await Promise.all(names.map(async (docName) => ({ docName, drafts: await this.readDrafts(docName, roundId) })))
    return people.filter((person) => person.drafts.length > 0)
  }

  /** One person's drafts written for `roundId` and not revealed yet. */
  private readDrafts(docName: string, roundId: string): Promise<DraftToReveal[]> {
    return this.relay.changeDocument(docName, (document) =>
      listDrafts(document.doc)
        .filter((draft) => !draft.revealedCardId && draft.roundId === roundId)
        .map((draft) => ({ docName, draft })),
    )
  }

  /**
   * Puts drafts on the canvas: the named groups (in a shuffled order of people) in one
   * transaction, then the anonymous drafts, shuffled, in another; records their text at reveal in
   * the people document (shared/board/revealedTexts.ts); then marks the drafts revealed.
   */
  private async reveal(boardId: string, groups: DraftToReveal[][], anonymous: DraftToReveal[], now: number): Promise<number> {
    const nonEmpty = groups.filter((group) => group.length > 0)
    if (nonEmpty.length === 0 && anonymous.length === 0) return 0
    const canvas = canvasDocName(boardId)
    const plan = await this.relay.changeDocument(canvas, (document) => {
      const planned = planReveal(document.doc, { groups: shuffled(nonEmpty), anonymous: shuffled(anonymous) })
      if (planned.named.length > 0) writePlannedCards(document.doc, planned.named, now)
      return planned
    })
    for (const reason of plan.skipped) this.log.warn({ boardId, reason }, 'a draft could not be revealed')
    if (plan.anonymous.length > 0) {
      await this.relay.changeDocument(canvas, (document) => writePlannedCards(document.doc, plan.anonymous, now))
    }
    // Named and anonymous cards' texts go in separate updates, as on the canvas, so none links them.
    for (const block of [plan.named, plan.anonymous]) {
      const texts = block.flatMap((planned) => (planned.card ? [{ cardId: planned.cardId, text: planned.card.text }] : []))
      if (texts.length === 0) continue
      // The cards are on the canvas already: a failure here must not keep their drafts from being marked revealed.
      await this.relay
        .changeDocument(peopleDocName(boardId), (document) => recordRevealedTexts(document.doc, texts, now))
        .catch((error: unknown) => this.log.warn({ err: error, boardId }, 'texts at reveal not recorded'))
    }
    await this.markRevealed([...plan.named, ...plan.anonymous], now)
    return plan.named.length + plan.anonymous.length
  }

  private async markRevealed(cards: PlannedCard[], now: number): Promise<void> {
    const byDocument = new Map<string, PlannedCard[]>()
    for (const card of cards) byDocument.set(card.docName, [...(byDocument.get(card.docName) ?? []), card])
    await Promise.all(
      [...byDocument].map(([docName, placed]) =>
        this.relay.changeDocument(docName, (document) => {
          document.doc.transact(() => {
            for (const card of placed) markDraftRevealed(document.doc, card.draftId, card.cardId, now)
          }, 'server')
        }),
      ),
    )
  }
}
