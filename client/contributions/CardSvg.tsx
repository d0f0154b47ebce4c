/**
 * A contribution card as exported SVG (and PNG, which tldraw renders from it): the kind, the
 * text, and who wrote it ("Anonymous" for an anonymous card, whoever exports it). Everything a
 * member wrote goes in as React text children, which are escaped, never as markup.
 */
import type { Editor } from 'tldraw'
import type { CardData } from '../../shared/board/boardModel'
import { CONTRIBUTION_KIND_INFO } from '../../shared/board/vocabulary'
import type { ContributionShape } from './ContributionShapeUtil'
import { exportColors } from './kindStyle'

const FONT_FAMILY = "Inter, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
const PADDING = 12
const HEADER_HEIGHT = 30
const FOOTER_HEIGHT = 28
const TEXT_SIZE = 14
const LINE_HEIGHT = 1.4

export function exportedAuthorName(card: CardData): string {
  if (card.anonymous || !card.author) return 'Anonymous'
  return card.author.name
}

function exportedDate(time: number): string {
  return new Date(time).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
}

interface CardSvgProps {
  editor: Editor
  shape: ContributionShape
  card: CardData | null
  isDarkMode: boolean
}

export function CardSvg({ editor, shape, card, isDarkMode }: CardSvgProps) {
  const { w, h } = shape.props
  const kind = card?.kind ?? 'understanding'
  const colors = exportColors(kind, isDarkMode)
  const textHeight = Math.max(0, h - HEADER_HEIGHT - FOOTER_HEIGHT)
  const spans = card?.text
    ? editor.textMeasure.measureTextSpans(card.text, {
        overflow: 'truncate-ellipsis',
        width: w - 2 * PADDING,
        height: textHeight,
        padding: 0,
        fontSize: TEXT_SIZE,
        fontWeight: 'normal',
        fontFamily: FONT_FAMILY,
        fontStyle: 'normal',
        lineHeight: LINE_HEIGHT,
        textAlign: 'start',
      })
    : []
  const clipId = `tt-card-clip-${shape.id.replace(/[^A-Za-z0-9_-]/g, '_')}`
  const author = card ? exportedAuthorName(card) : 'Unknown'
  const authorColor = card && !card.anonymous && card.author ? card.author.color : colors.muted

  return (
    <g>
      <defs>
        <clipPath id={clipId}>
          <rect width={w} height={h} rx={8} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        <rect width={w} height={h} fill={colors.background} />
        <rect width={w} height={4} fill={colors.accent} />
      </g>
      <rect width={w} height={h} rx={8} fill="none" stroke={colors.border} strokeWidth={1} />
      <text x={PADDING} y={22} fontFamily={FONT_FAMILY} fontSize={11} fontWeight={600} letterSpacing={0.6} fill={colors.accent}>
        {CONTRIBUTION_KIND_INFO[kind].label.toUpperCase()}
      </text>
      <text fontFamily={FONT_FAMILY} fontSize={TEXT_SIZE} fill={colors.text}>
        {spans.map((span, index) => (
          <tspan key={index} x={PADDING + span.box.x} y={HEADER_HEIGHT + span.box.y + TEXT_SIZE}>
            {span.text.replace(/\s/g, '\u00a0')}
          </tspan>
        ))}
      </text>
      <g clipPath={`url(#${clipId})`}>
        <circle cx={PADDING + 4} cy={h - 14} r={4} fill={authorColor} />
        <text x={PADDING + 14} y={h - 10} fontFamily={FONT_FAMILY} fontSize={11} fill={colors.muted}>
          {author}
          {card ? ` · ${exportedDate(card.createdAt)}` : ''}
        </text>
      </g>
    </g>
  )
}
