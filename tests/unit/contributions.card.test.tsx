// @vitest-environment jsdom
/**
 * The card component rendered in jsdom inside real tldraw and board contexts: the "what's new"
 * highlight, anonymous authorship as each side sees it, hostile text kept as text, the reply
 * count and reactions read from (and written to) the conversation document while the card lives
 * in the canvas, and reactions following the phase. (Browser tests cover the same card live
 * between two members.)
 */
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Editor, EditorContext, createShapeId, createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { BoardContext } from '../../client/board/boardContext'
import { contributionShapeUtils } from '../../client/contributions'
import { useClaimKeys } from '../../client/contributions/anonymousCards'
import { ContributionCard } from '../../client/contributions/ContributionCard'
import type { ContributionShape } from '../../client/contributions/ContributionShapeUtil'
import { useHighlightStore } from '../../client/state/highlightStore'
import { addReply, createCard, deleteReply, newCardId, readReactions, type Person } from '../../shared/board/boardModel'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { testBoardContext } from './boardContextForTests'

const ada: Person = { id: 'user-ada', name: 'Ada', color: '#4465e9' }
const bea: Person = { id: 'user-bea', name: 'Bea', color: '#e03131' }
const hostile = '<img src=x onerror=alert(1)>"><script>window.__pwned=1</script>'

beforeAll(() => {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
  // jsdom lays nothing out, so it has no ResizeObserver: a card's height is measured in the browser tests.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
})

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  useHighlightStore.setState({ highlighted: new Set(), focused: null })
  useClaimKeys.setState({ keys: {} })
})

function renderCard(card: { author: Person | null; anonymous: boolean; text: string }, controlDoc = new Y.Doc()) {
  const doc = new Y.Doc()
  const conversationDoc = new Y.Doc()
  const cardId = newCardId()
  createCard(doc, { id: cardId, kind: 'question', now: Date.now(), ...card })
  const shapeUtils = [...defaultShapeUtils, ...contributionShapeUtils]
  const editor = new Editor({
    store: createTLStore({ shapeUtils, bindingUtils: defaultBindingUtils }),
    shapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [],
    getContainer: () => document.body,
  })
  const shape = {
    id: createShapeId(),
    type: CONTRIBUTION_SHAPE_TYPE,
    props: { w: 240, h: 160, cardId },
  } as unknown as ContributionShape
  const board = testBoardContext({ me: ada, canvasDoc: doc, conversationDoc, controlDoc })
  const container = document.createElement('div')
  document.body.append(container)
  let root: Root
  act(() => {
    root = createRoot(container)
    root.render(
      <EditorContext.Provider value={editor}>
        <BoardContext.Provider value={board}>
          <ContributionCard shape={shape} />
        </BoardContext.Provider>
      </EditorContext.Provider>,
    )
  })
  cleanups.push(() => {
    act(() => root.unmount())
    container.remove()
    editor.dispose()
    board.dispose()
  })
  const article = () => container.querySelector('[data-testid="contribution-card"]') as HTMLElement
  return { doc, conversationDoc, cardId, container, article }
}

describe('a contribution card', () => {
  test('glows when it is new since the last visit, more strongly when the walk shows it', () => {
    const { cardId, article } = renderCard({ author: ada, anonymous: false, text: 'Why?' })
    expect(article().dataset.highlight).toBeUndefined()
    act(() => useHighlightStore.getState().setHighlighted([cardId]))
    expect(article().dataset.highlight).toBe('new')
    expect(article().textContent).toContain('New')
    act(() => useHighlightStore.getState().setFocused(cardId))
    expect(article().dataset.highlight).toBe('focused')
  })

  test('shows hostile text and names as text, never as markup', () => {
    const { container } = renderCard({ author: { ...ada, name: hostile }, anonymous: false, text: hostile })
    expect(container.querySelector('[data-testid="card-text"]')!.textContent).toBe(hostile)
    expect(container.querySelector('[data-testid="card-author"]')!.textContent).toContain(hostile)
    expect(container.querySelectorAll('img, script')).toHaveLength(0)
  })

  test('says “Anonymous” to others and “You (anonymous)”, with Edit and Claim, to the author who holds the key', () => {
    const { cardId, container } = renderCard({ author: null, anonymous: true, text: 'I was scared' })
    const byline = () => container.querySelector('[data-testid="card-author"]')!
    expect(byline().textContent).toBe('Anonymous')
    act(() => useClaimKeys.getState().remember(cardId, 'a-claim-key-long-enough-to-pass'))
    expect(byline().textContent).toContain('You (anonymous)')
    expect(container.querySelector('[data-testid="card-claim"]')).not.toBeNull()
    expect(container.querySelector('[data-testid="card-anonymous-edit"]')).not.toBeNull()
  })

  test('counts the replies in its thread (in the conversation document), leaving deleted ones out, and names the count for screen readers', () => {
    const { conversationDoc, cardId, container } = renderCard({ author: ada, anonymous: false, text: 'Why?' })
    const button = () => container.querySelector('[data-testid="card-replies"]')!
    expect(button().getAttribute('aria-label')).toBe('No replies yet: open the thread')
    act(() => {
      addReply(conversationDoc, cardId, { author: ada, text: 'Because', now: 1 })
      const deleted = addReply(conversationDoc, cardId, { author: ada, text: 'Oops', now: 2 })
      deleteReply(conversationDoc, cardId, deleted, 3)
      addReply(conversationDoc, cardId, { author: ada, text: 'And also', now: 4 })
    })
    expect(button().getAttribute('data-count')).toBe('2')
    expect(button().getAttribute('aria-label')).toBe('2 replies: open the thread')
  })

  test('a reaction is written to the conversation document, never the canvas, and its count follows it', () => {
    const { doc, conversationDoc, cardId, container } = renderCard({ author: bea, anonymous: false, text: 'Why?' })
    const resonates = () => container.querySelector('[data-testid="reaction-resonates"]') as HTMLButtonElement
    const canvasBefore = Y.encodeStateVector(doc)
    act(() => resonates().click())
    expect(readReactions(conversationDoc, cardId).resonates.map((giver) => giver.id)).toEqual([ada.id])
    expect(resonates().getAttribute('data-count')).toBe('1')
    expect(resonates().getAttribute('aria-pressed')).toBe('true')
    expect(Y.encodeStateVector(doc)).toEqual(canvasBefore)
    expect(readReactions(doc, cardId).resonates).toEqual([])
  })

  test('in a phase that does not let members react, the reactions are disabled and a click changes nothing', () => {
    const controlDoc = new Y.Doc()
    const phases = new Y.Array<unknown>()
    phases.push([{ id: 'think', name: 'Think alone', instructions: '', durationMs: 60_000, memberActions: ['add-cards'] }])
    controlDoc.getMap(FACILITATION_MAP).set('phases', phases)
    controlDoc.getMap(FACILITATION_MAP).set('currentPhaseId', 'think')
    const { conversationDoc, container } = renderCard({ author: bea, anonymous: false, text: 'Why?' }, controlDoc)
    const resonates = () => container.querySelector('[data-testid="reaction-resonates"]') as HTMLButtonElement
    expect(resonates().getAttribute('aria-disabled')).toBe('true')
    act(() => resonates().click())
    expect(conversationDoc.store.clients.size).toBe(0)
    act(() => controlDoc.getMap(FACILITATION_MAP).set('currentPhaseId', null))
    expect(resonates().getAttribute('aria-disabled')).toBeNull()
  })
})
