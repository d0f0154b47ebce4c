/**
 * How each link type looks on the canvas: a colour and a line style for the arrow, and the words
 * of its label. One table, so every client draws a type the same way and the benchmark can seed
 * links that look like real ones. Calm on purpose: muted colours, no arrowhead changes, and the
 * label in tldraw's sans-serif at its small size (links.css keeps it on one line, never broken
 * inside a word, however short the arrow).
 */
import type { TLArrowShapeProps } from 'tldraw'
import { LINK_TYPE_INFO, type LinkType } from '../../shared/board/vocabulary'

/** The type a new link starts with; the member changes it in the picker. */
export const DEFAULT_LINK_TYPE: LinkType = 'builds-on'

export type LinkArrowStyle = Pick<TLArrowShapeProps, 'color' | 'labelColor' | 'dash' | 'font' | 'size'>

export const LINK_TYPE_STYLE: Record<LinkType, LinkArrowStyle> = {
  'builds-on': { color: 'green', labelColor: 'green', dash: 'solid', font: 'sans', size: 's' },
  'leads-to': { color: 'blue', labelColor: 'blue', dash: 'solid', font: 'sans', size: 's' },
  questions: { color: 'orange', labelColor: 'orange', dash: 'dashed', font: 'sans', size: 's' },
  'contrasts-with': { color: 'violet', labelColor: 'violet', dash: 'dashed', font: 'sans', size: 's' },
  'example-of': { color: 'grey', labelColor: 'grey', dash: 'dotted', font: 'sans', size: 's' },
}

/** The words on a link's arrow. */
export function linkLabel(type: LinkType): string {
  return LINK_TYPE_INFO[type].label
}
