/**
 * The tldraw shape that shows a contribution card on the canvas. Its props hold only geometry
 * and the id of the card in the `cards` map (see boardModel.ts), where the kind, text and author
 * live. The client's ContributionShapeUtil registers the props validators below with tldraw, and
 * the server validates the records it writes with the very same ones (server/board/serverRecords.ts),
 * so a record the server writes is one every client accepts.
 */
import type { RecordProps, TLBaseShape } from '@tldraw/tlschema'
import { T } from '@tldraw/validate'

export const CONTRIBUTION_SHAPE_TYPE = 'contribution'

export interface ContributionShapeProps {
  w: number
  h: number
  cardId: string
}

/** tldraw's validators for the shape's props (ContributionShapeUtil.props). */
export const contributionShapeProps: RecordProps<TLBaseShape<typeof CONTRIBUTION_SHAPE_TYPE, ContributionShapeProps>> = {
  w: T.nonZeroNumber,
  h: T.nonZeroNumber,
  cardId: T.string,
}

export const CONTRIBUTION_DEFAULT_SIZE = { w: 240, h: 160 } as const
export const CONTRIBUTION_MIN_SIZE = { w: 120, h: 80 } as const
export const CONTRIBUTION_MAX_SIZE = { w: 2000, h: 2000 } as const

export const SHAPE_ID_PATTERN = /^shape:[A-Za-z0-9_-]{1,64}$/
export const PARENT_ID_PATTERN = /^(page|shape):[A-Za-z0-9_-]{1,64}$/
/** tldraw's fractional indices are short base-62 strings. */
export const INDEX_PATTERN = /^[0-9A-Za-z]{1,64}$/

/** The tldraw record of a contribution shape, as stored in the `tldraw:records` map. */
export function contributionShapeRecord(shape: { id: string; parentId: string; index: string; x: number; y: number; w: number; h: number; cardId: string }) {
  return {
    id: shape.id,
    typeName: 'shape',
    type: CONTRIBUTION_SHAPE_TYPE,
    parentId: shape.parentId,
    index: shape.index,
    x: shape.x,
    y: shape.y,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    props: { w: shape.w, h: shape.h, cardId: shape.cardId } satisfies ContributionShapeProps,
    meta: {},
  }
}
