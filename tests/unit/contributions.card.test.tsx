// @vitest-environment jsdom
/**
 * The card component rendered in jsdom inside real tldraw and board contexts: the "what's new"
 * highlight, anonymous authorship as each side sees it, hostile text kept as text, and the reply
 * count. (Browser tests cover the same card live between two members.)
 */
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Editor, EditorContext, createShapeId, createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { BoardContext, type BoardContextValue } from '../../client/board/boardContext'
import { contributionShapeUtils } from '../../client/contributions'
import { useClaimKeys } from '../../client/contributions/anonymousCards'
import { ContributionCard } from '../../client/contributions/ContributionCard'
import type { ContributionShape } from '../../client/contributions/ContributionShapeUtil'
import { useHighlightStore } from '../../client/state/highlightStore'
import { addReply, createCard, newCardId, type Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'

const ada: Person = { id: 'user-ada', name: 'Ada', color: '#4465e9' }
const hostile = '<img src=x onerror=alert(1)>"><script>window.__pwned=1</script>'

beforeAll(() => {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
})

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  useHighlightStore.setState({ highlighted: new Set(), focused: null })
  useClaimKeys.setState({ keys: {} })
})

function renderCard(card: { author: Person | null; anonymous: boolean; text: string }) {
  const doc = new Y.Doc()
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
  const board: BoardContextValue = {
    boardId: 'b',
    token: 't',
    doc,
    controlDoc: new Y.Doc(),
    awareness: new Awareness(doc),
    role: 'member',
    canEdit: true,
    getMe: () => ada,
    initialTitle: 'A board',
  }
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
  })
  const article = () => container.querySelector('[data-testid="contribution-card"]') as HTMLElement
  return { doc, cardId, container, article }
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

  test('counts the replies in its thread, leaving deleted ones out, and names the count for screen readers', () => {
    const { doc, cardId, container } = renderCard({ author: ada, anonymous: false, text: 'Why?' })
    const button = () => container.querySelector('[data-testid="card-replies"]')!
    expect(button().getAttribute('aria-label')).toBe('No replies yet: open the thread')
    act(() => {
      addReply(doc, cardId, { author: ada, text: 'Because', now: 1 })
      addReply(doc, cardId, { author: ada, text: 'And also', now: 2 })
    })
    expect(button().getAttribute('data-count')).toBe('2')
    expect(button().getAttribute('aria-label')).toBe('2 replies: open the thread')
  })
})
