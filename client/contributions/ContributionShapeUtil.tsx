/**
 * The tldraw shape that shows a contribution card. Its props hold only geometry and the card's
 * id; the card itself (kind, text, author, times) lives in the document's `cards` map, so moving
 * or resizing a card never touches what it says, and two people can type in it at once. Its
 * geometry is as tall as its text needs (cardFit.ts), so a card grows to fit what it says.
 */
import {
  BaseBoxShapeUtil,
  HTMLContainer,
  Rectangle2d,
  resizeBox,
  useEditor,
  useValue,
  type RecordProps,
  type SvgExportContext,
  type TLResizeInfo,
  type TLShape,
} from 'tldraw'
import { getCardText, readCard } from '../../shared/board/boardModel'
import {
  CONTRIBUTION_DEFAULT_SIZE,
  CONTRIBUTION_MAX_SIZE,
  CONTRIBUTION_MIN_SIZE,
  CONTRIBUTION_SHAPE_TYPE,
  contributionShapeProps,
  type ContributionShapeProps,
} from '../../shared/board/contributionShape'
import { CONTRIBUTION_KIND_INFO } from '../../shared/board/vocabulary'
import { useClaimKeys } from './anonymousCards'
import { fittedHeight } from './cardFit'
import { boardOf } from './boardRegistry'
import { CardSvg } from './CardSvg'
import { ContributionCard } from './ContributionCard'

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [CONTRIBUTION_SHAPE_TYPE]: ContributionShapeProps
  }
}

export type ContributionShape = TLShape<typeof CONTRIBUTION_SHAPE_TYPE>

export class ContributionShapeUtil extends BaseBoxShapeUtil<ContributionShape> {
  static override type = CONTRIBUTION_SHAPE_TYPE
  static override props: RecordProps<ContributionShape> = contributionShapeProps

  getDefaultProps(): ContributionShapeProps {
    return { ...CONTRIBUTION_DEFAULT_SIZE, cardId: '' }
  }

  /**
   * Members edit a card's text in place, except the anonymous author of a card: their edits go
   * through the server (the anonymous composer), never into the shared document.
   */
  override canEdit(shape: ContributionShape): boolean {
    const board = boardOf(this.editor)
    if (!board?.canEdit) return false
    const card = readCard(board.canvasDoc, shape.props.cardId)
    return !!card && !(card.anonymous && useClaimKeys.getState().keys[card.id])
  }

  override canResize(): boolean {
    return true
  }

  override getGeometry(shape: ContributionShape) {
    return new Rectangle2d({ width: shape.props.w, height: fittedHeight(shape), isFilled: true })
  }

  /** Resizing starts from the height the card is drawn at, not the smaller one it was given. */
  override onResize(shape: ContributionShape, info: TLResizeInfo<ContributionShape>) {
    const initialShape = { ...info.initialShape, props: { ...info.initialShape.props, h: fittedHeight(info.initialShape) } }
    return resizeBox(
      shape,
      { ...info, initialShape },
      {
        minWidth: CONTRIBUTION_MIN_SIZE.w,
        minHeight: CONTRIBUTION_MIN_SIZE.h,
        maxWidth: CONTRIBUTION_MAX_SIZE.w,
        maxHeight: CONTRIBUTION_MAX_SIZE.h,
      },
    )
  }

  override getText(shape: ContributionShape): string | undefined {
    const board = boardOf(this.editor)
    return board ? (getCardText(board.canvasDoc, shape.props.cardId)?.toString() ?? '') : undefined
  }

  override getAriaDescriptor(shape: ContributionShape): string | undefined {
    const board = boardOf(this.editor)
    const card = board && readCard(board.canvasDoc, shape.props.cardId)
    if (!card) return undefined
    const author = card.anonymous ? 'Anonymous' : (card.author?.name ?? 'Unknown')
    return `${CONTRIBUTION_KIND_INFO[card.kind].label} by ${author}: ${card.text}`
  }

  component(shape: ContributionShape) {
    return (
      <HTMLContainer className="tt-card-container">
        <CardWhenInView shape={shape} />
      </HTMLContainer>
    )
  }

  getIndicatorPath(shape: ContributionShape): Path2D {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, fittedHeight(shape), 8)
    return path
  }

  override toSvg(shape: ContributionShape, ctx: SvgExportContext) {
    const board = boardOf(this.editor)
    const card = board ? readCard(board.canvasDoc, shape.props.cardId) : null
    return <CardSvg editor={this.editor} shape={shape} card={card} isDarkMode={ctx.isDarkMode} />
  }
}

/**
 * tldraw hides shapes outside the viewport but still renders them; a card out of view renders
 * nothing until it comes into view, which keeps opening a board of a thousand cards quick.
 */
function CardWhenInView({ shape }: { shape: ContributionShape }) {
  const editor = useEditor()
  const culled = useValue('card out of view', () => editor.getCulledShapes().has(shape.id), [editor, shape.id])
  return culled ? null : <ContributionCard shape={shape} />
}
