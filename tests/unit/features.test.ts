// @vitest-environment jsdom
/**
 * Board features are values in one list (client/board/features.ts): the board reads their shape
 * utils, registrations, overlays and shape visibility from the list alone.
 */
import type { Editor, TLShape } from 'tldraw'
import { describe, expect, test } from 'vitest'
import type { BoardContextValue } from '../../client/board/boardContext'
import { BOARD_FEATURES, dockPanels, featureShapeUtils, featureShapeVisibility, registerFeatures, type BoardFeature } from '../../client/board/features'
import { contributionShapeUtils } from '../../client/contributions'

/** A panel body for a feature a colleague might add. */
function NotesBody() {
  return null
}

describe('board features', () => {
  test('contributions, links, conversation, facilitation, drafts, voting, tours, the map and the outline are features of the board', () => {
    expect(BOARD_FEATURES.map((feature) => feature.id)).toEqual([
      'contributions',
      'links',
      'conversation',
      'facilitation',
      'drafts',
      'voting',
      'tours',
      'analysis',
      'outline',
    ])
    expect(featureShapeUtils()).toEqual(contributionShapeUtils)
    for (const feature of BOARD_FEATURES) expect(feature.register ?? feature.Overlay).toBeDefined()
  })

  test('the dock’s panels are the features’ panels, in the features’ order, each with its own id and button', () => {
    const panels = dockPanels()
    expect(panels.map((panel) => panel.id)).toEqual(['conversation', 'facilitate', 'drafts', 'voting', 'tours', 'map', 'outline'])
    expect(new Set(panels.map((panel) => panel.toggleTestId)).size).toBe(panels.length)
    const extra: BoardFeature = { id: 'notes', panel: { id: 'notes', label: 'Notes', toggleTestId: 'notes-toggle', Body: NotesBody } }
    expect(dockPanels([...BOARD_FEATURES, extra]).at(-1)?.label).toBe('Notes')
  })

  test('registrations are undone in reverse order; the first feature with an opinion decides a shape’s visibility', () => {
    const events: string[] = []
    const feature = (id: string, visibility: 'hidden' | 'inherit' | 'visible'): BoardFeature => ({
      id,
      register: () => {
        events.push(`register ${id}`)
        return () => events.push(`dispose ${id}`)
      },
      shapeVisibility: () => visibility,
    })
    const features = [feature('a', 'inherit'), feature('b', 'hidden'), feature('c', 'visible')]
    const dispose = registerFeatures({} as Editor, {} as BoardContextValue, features)
    dispose()
    expect(events).toEqual(['register a', 'register b', 'register c', 'dispose c', 'dispose b', 'dispose a'])
    expect(featureShapeVisibility(features)({} as TLShape, {} as Editor)).toBe('hidden')
    expect(featureShapeVisibility([feature('a', 'inherit')])({} as TLShape, {} as Editor)).toBe('inherit')
  })
})
