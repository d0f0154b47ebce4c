/**
 * The board's features, each one value in one list. A feature says what it adds to the board:
 * shape utils (for the store and the editor), what it wires when the editor mounts (returning its
 * clean-up), an overlay rendered in front of the canvas inside tldraw's context, chrome rendered in
 * the layer Tab reaches before the canvas, a panel in the board's dock (client/dock/), and which
 * shapes it hides (tldraw's getShapeVisibility). Adding a feature touches its own folder and this
 * list; client/board/BoardCanvas.tsx and boardConnection.ts read only the list. A new panel is a
 * `panel` on its feature: the dock gives it a labelled button on its rail and its place.
 *
 * @example
 *   export const pollsFeature: BoardFeature = { id: 'polls', register: registerPolls, Overlay: PollsOverlay }
 */
import type { ComponentType } from 'react'
import type { Editor, TLAnyShapeUtilConstructor, TLShape } from 'tldraw'
import { analysisFeature } from '../analysis'
import { contributionsFeature } from '../contributions'
import { conversationFeature } from '../conversation'
import { draftsFeature } from '../drafts'
import { facilitationFeature } from '../facilitation'
import { linksFeature } from '../links'
import { outlineFeature } from '../outline'
import { toursFeature } from '../tours'
import { votingFeature } from '../voting'
import type { BoardContextValue } from './boardContext'

export type ShapeVisibility = 'visible' | 'hidden' | 'inherit'

/** A panel in the board's dock (client/dock/PanelDock.tsx): one button on the rail, one open at a time. */
export interface DockPanel {
  /** The dock store's key for the panel; kept in localStorage, so stable across versions. */
  readonly id: string
  /** What its rail button says. */
  readonly label: string
  /** The panel's heading, when it says more than the label. */
  readonly title?: string
  /** The rail button's data-testid. */
  readonly toggleTestId: string
  /** A shortcut that toggles it, as aria-keyshortcuts spells it (the feature wires the key). */
  readonly shortcut?: string
  /** A hook: whether this person gets the panel now (a facilitator's panel, an open round). */
  readonly useAvailable?: () => boolean
  /** A short state next to the label ("open", "3 new"), or nothing; styled with .tt-dock__badge. */
  readonly Badge?: ComponentType
  readonly Body: ComponentType
}

export interface BoardFeature {
  /** A short name, for people reading the code and the logs. */
  readonly id: string
  readonly shapeUtils?: readonly TLAnyShapeUtilConstructor[]
  /** Called when the editor mounts; returns the clean-up. */
  register?(editor: Editor, board: BoardContextValue): () => void
  /** Rendered in front of the canvas, inside tldraw's context and the board context. */
  readonly Overlay?: ComponentType
  /** Rendered in the chrome layer (client/dock/ChromeLayer.tsx), ahead of the canvas in Tab order. */
  readonly Chrome?: ComponentType
  /** Its panel in the board's dock. */
  readonly panel?: DockPanel
  /** Evaluated reactively by tldraw for every shape; 'inherit' leaves the shape to others. */
  shapeVisibility?(shape: TLShape, editor: Editor): ShapeVisibility
}

/** In the order they register and stack (later overlays paint above earlier ones). */
export const BOARD_FEATURES: readonly BoardFeature[] = [
  contributionsFeature,
  linksFeature,
  conversationFeature,
  facilitationFeature,
  draftsFeature,
  votingFeature,
  toursFeature,
  analysisFeature,
  outlineFeature,
]

export function dockPanels(features: readonly BoardFeature[] = BOARD_FEATURES): DockPanel[] {
  return features.flatMap((feature) => (feature.panel ? [feature.panel] : []))
}

export function featureShapeUtils(features: readonly BoardFeature[] = BOARD_FEATURES): TLAnyShapeUtilConstructor[] {
  return features.flatMap((feature) => feature.shapeUtils ?? [])
}

/** Registers every feature on the editor; the returned clean-up undoes them in reverse order. */
export function registerFeatures(editor: Editor, board: BoardContextValue, features: readonly BoardFeature[] = BOARD_FEATURES): () => void {
  const cleanups: Array<() => void> = []
  for (const feature of features) if (feature.register) cleanups.push(feature.register(editor, board))
  return () => {
    for (const cleanup of cleanups.reverse()) cleanup()
  }
}

/** The first feature that does not say 'inherit' decides. */
export function featureShapeVisibility(features: readonly BoardFeature[] = BOARD_FEATURES) {
  const deciders = features.flatMap((feature) => (feature.shapeVisibility ? [feature.shapeVisibility] : []))
  return (shape: TLShape, editor: Editor): ShapeVisibility => {
    for (const decide of deciders) {
      const visibility = decide(shape, editor)
      if (visibility !== 'inherit') return visibility
    }
    return 'inherit'
  }
}
