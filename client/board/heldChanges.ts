/**
 * Changes the relay holds back. When a member may not write a document now (the board is locked,
 * or the phase does not allow it), the relay keeps the connection open and read-only, tells this
 * tab once (an auth "permission denied"), and drops the changes; this tab keeps them, and sends
 * them when the relay asks for them again once writing is allowed. Meanwhile the page says so.
 *
 * A document's changes count as held from the refusal until this tab sees, in the control
 * document, that members may write it again, or the relay asks for everything this tab holds
 * (sync step 1) while the control document says members may write it: whichever this tab learns
 * first, since the two arrive over different connections. The relay tells only about live
 * changes; changes made offline go out as the answer to its sync step 1 when the connection
 * returns, so they count as held too when, at that sync step 1, this tab holds content the server
 * lacks and may not write the document now.
 *
 * @example
 *   const held = createHeldChanges({ mayWrite: (kind) => permissions.mayWriteDoc(kind) })
 *   held.refuse('canvas', 'board locked')
 *   react('notice', () => held.kinds.get()) // Set { 'canvas' }
 */
import { atom, react, type Atom } from 'tldraw'

/** The documents members write, and so the ones whose changes can be held. */
export type HeldDocKind = 'canvas' | 'conversation'

export interface HeldChanges {
  /** The documents whose changes wait now. */
  readonly kinds: Atom<ReadonlySet<HeldDocKind>>
  /** The relay refused this tab's changes to a document. */
  refuse(kind: HeldDocKind, reason: string): void
  /** The relay asked for everything this tab holds of the document (sync step 1); `holdsMore`: it lacks some. */
  serverAsked(kind: HeldDocKind, holdsMore: boolean): void
  dispose(): void
}

export interface HeldChangesOptions {
  /** Whether members may write the document now, read from tldraw signals (tracked). */
  mayWrite(kind: HeldDocKind): boolean
}

const NONE: ReadonlySet<HeldDocKind> = new Set()

export function createHeldChanges({ mayWrite }: HeldChangesOptions): HeldChanges {
  const kinds = atom<ReadonlySet<HeldDocKind>>('held changes', NONE)
  const without = (kind: HeldDocKind) => {
    const current = kinds.get()
    if (!current.has(kind)) return
    const next = new Set(current)
    next.delete(kind)
    kinds.set(next)
  }
  const stops = (['canvas', 'conversation'] as const).map((kind) => {
    let mayWriteBefore: boolean | null = null
    return react(`held ${kind} changes go once allowed`, () => {
      const mayWriteNow = mayWrite(kind)
      if (mayWriteNow && mayWriteBefore === false) without(kind)
      mayWriteBefore = mayWriteNow
    })
  })
  const refuse = (kind: HeldDocKind) => {
    if (!kinds.get().has(kind)) kinds.set(new Set([...kinds.get(), kind]))
  }
  return {
    kinds,
    refuse,
    serverAsked: (kind, holdsMore) => {
      if (mayWrite(kind)) without(kind)
      else if (holdsMore) refuse(kind)
    },
    dispose: () => {
      for (const stop of stops) stop()
    },
  }
}
