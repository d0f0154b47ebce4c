/**
 * How tall a card is on the canvas. A card grows to fit its text, from the height its shape was
 * given up to CARD_FIT_LIMIT (beyond it, the text scrolls inside the card), and without a limit
 * while it is expanded. The height a card's text needs is measured by the card itself in the
 * browser (ContributionCard reports it) and kept in one tldraw atom per shape, so the shape's
 * geometry, the selection box and the placement of new cards follow it reactively. The shape's
 * stored `h` is not changed by growing: nobody's edit is needed, and a locked board stays as it is.
 */
import { atom, type Atom } from 'tldraw'
import { CONTRIBUTION_MAX_SIZE } from '../../shared/board/contributionShape'

/** The tallest a card grows by itself, in page units; a longer text scrolls inside it. */
export const CARD_FIT_LIMIT = 360

interface CardFit {
  readonly needed: Atom<number>
  readonly expanded: Atom<boolean>
}

const fits = new Map<string, CardFit>()

function fitOf(shapeId: string): CardFit {
  let fit = fits.get(shapeId)
  if (!fit) {
    fit = { needed: atom(`card height ${shapeId}`, 0), expanded: atom(`card expanded ${shapeId}`, false) }
    fits.set(shapeId, fit)
  }
  return fit
}

/** The card reports the height its content needs at its current width, in page units. */
export function reportNeededHeight(shapeId: string, height: number): void {
  const needed = fitOf(shapeId).needed
  if (Math.abs(needed.get() - height) >= 1) needed.set(Math.ceil(height))
}

export function isCardExpanded(shapeId: string): boolean {
  return fitOf(shapeId).expanded.get()
}

export function setCardExpanded(shapeId: string, expanded: boolean): void {
  fitOf(shapeId).expanded.set(expanded)
}

/** The height the card is drawn at: its own, or what its text needs up to the limit (none while expanded). */
export function fittedHeight(shape: { id: string; props: { h: number } }): number {
  const fit = fitOf(shape.id)
  const limit = fit.expanded.get() ? CONTRIBUTION_MAX_SIZE.h : Math.max(shape.props.h, CARD_FIT_LIMIT)
  return Math.max(shape.props.h, Math.min(fit.needed.get(), limit))
}

/** Whether the card's text is longer than the card shows (it then scrolls, and can be expanded). */
export function isCardClipped(shape: { id: string; props: { h: number } }): boolean {
  return fitOf(shape.id).needed.get() > fittedHeight(shape) + 1
}
