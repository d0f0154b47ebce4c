/**
 * Cards written straight into an open board page's canvas document, the way createCard does (as
 * the page's own person: the person id of its personal token, and the name and colour it chose),
 * and shown on its canvas: a quick way for browser tests to set a scene.
 */
import type { Page } from 'playwright-core'

export interface TestCard {
  kind: string
  text: string
  x: number
  y: number
}

export function addCard(page: Page, card: TestCard): Promise<{ cardId: string; shapeId: string }> {
  return page.evaluate(({ kind, text, x, y }) => {
    const { doc, editor, personId } = window.__thinkTogether!
    const cards = doc.getMap('cards')
    const YMap = cards.constructor as new () => typeof cards
    const YText = doc.getText('e2e-constructors').constructor as new (text: string) => unknown
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
    const cardId = `card:${hex}`
    const identity = JSON.parse(localStorage.getItem('think-together:identity')!).state
    const now = Date.now()
    doc.transact(() => {
      const map = new YMap()
      map.set('kind', kind)
      map.set('text', new YText(text))
      map.set('author', { id: personId, name: identity.name, color: identity.color })
      map.set('anonymous', false)
      map.set('createdAt', now)
      map.set('updatedAt', now)
      map.set('lastEditor', null)
      cards.set(cardId, map)
    })
    const shapeId = `shape:${hex}`
    editor.createShape({ id: shapeId as never, type: 'contribution' as never, x, y, props: { w: 240, h: 160, cardId } as never })
    return { cardId, shapeId }
  }, card)
}
