/**
 * The words the conversation panels use for what a thread or a change is about: a card (its kind
 * and the start of its text) or a link (its type).
 */
import type { Editor } from 'tldraw'
import type { CardData } from '../../shared/board/boardModel'
import { readLinkMeta } from '../../shared/board/links'
import { CONTRIBUTION_KIND_INFO, LINK_TYPE_INFO } from '../../shared/board/vocabulary'
import type { ChangeItem } from '../../shared/board/whatsNew'
import { excerptAround } from './canvasFilter'
import { isShapeAnchor } from './anchors'

export interface AnchorLabel {
  /** "Question", "Link", ... */
  readonly kind: string
  /** A short piece of the card's text, or the link's type. */
  readonly text: string
}

export function linkLabel(editor: Editor, shapeId: string): AnchorLabel {
  const shape = isShapeAnchor(shapeId) ? editor.getShape(shapeId) : undefined
  const meta = readLinkMeta(shape?.meta)
  return { kind: 'Link', text: meta ? LINK_TYPE_INFO[meta.linkType].label : shape ? 'arrow' : 'no longer on the board' }
}

export function anchorLabel(editor: Editor, anchorId: string, cards: ReadonlyMap<string, CardData>): AnchorLabel {
  const card = cards.get(anchorId)
  if (card) return { kind: CONTRIBUTION_KIND_INFO[card.kind].label, text: excerptAround(card.text, '', 70) || '(no text yet)' }
  if (isShapeAnchor(anchorId)) return linkLabel(editor, anchorId)
  return { kind: 'Card', text: 'no longer on the board' }
}

/** "Bea replied", "Bea added a question", "Bea changed a link". */
export function describeChange(item: ChangeItem, cards: ReadonlyMap<string, CardData>): string {
  const who = item.by?.name ?? 'Someone'
  switch (item.kind) {
    case 'card': {
      const card = cards.get(item.targetId)
      const what = card ? CONTRIBUTION_KIND_INFO[card.kind].label.toLocaleLowerCase() : 'card'
      const article = /^[aeiou]/.test(what) ? 'an' : 'a'
      if (item.change === 'added') return `${who} added ${article} ${what}`
      return item.yours ? `${who} edited your ${what}` : `${who} edited ${article} ${what}`
    }
    case 'link':
      return item.change === 'added' ? `${who} added a link` : `${who} changed a link`
    case 'reply':
      return item.change === 'added' ? `${who} replied` : `${who} edited a reply`
  }
}

/** The text shown under a change: the card's or reply's words, or the link's type. */
export function changeExcerpt(item: ChangeItem): string {
  if (item.kind === 'link') {
    const type = item.text as keyof typeof LINK_TYPE_INFO
    return LINK_TYPE_INFO[type]?.label ?? item.text
  }
  return excerptAround(item.text, '', 70)
}
