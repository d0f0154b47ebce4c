/**
 * The choice of template a new board starts from: a radio group of small previews (frames as
 * outlines with their names, cards as blocks in their kind's colour), drawn from the server's list
 * (GET /api/boards/templates). Arrow keys move between templates, as in any radio group. While the
 * list loads, or if it cannot be read, the board starts empty and the picker says so.
 */
import { useEffect, useId, useState } from 'react'
import { isContributionKind } from '../../shared/board/vocabulary'
import { fetchTemplates, type TemplatePreview } from '../api/exchangeApi'
import { KIND_ACCENT } from '../contributions/kindStyle'

export interface TemplatePickerProps {
  value: string
  onChange(templateId: string): void
}

function PreviewPicture({ template }: { template: TemplatePreview }) {
  const boxes = [...template.frames, ...template.cards]
  if (boxes.length === 0) {
    return (
      <svg className="tt-template__picture" viewBox="0 0 160 100" aria-hidden="true">
        <rect x="1" y="1" width="158" height="98" rx="6" className="tt-template__canvas" />
      </svg>
    )
  }
  const minX = Math.min(...boxes.map((box) => box.x))
  const minY = Math.min(...boxes.map((box) => box.y))
  const maxX = Math.max(...boxes.map((box) => box.x + box.w))
  const maxY = Math.max(...boxes.map((box) => box.y + box.h))
  const pad = Math.max(maxX - minX, maxY - minY) * 0.06
  return (
    <svg
      className="tt-template__picture"
      viewBox={`${minX - pad} ${minY - pad} ${maxX - minX + 2 * pad} ${maxY - minY + 2 * pad}`}
      aria-hidden="true"
      preserveAspectRatio="xMidYMid meet"
    >
      {template.frames.map((frame) => (
        <g key={`${frame.name}-${frame.x}-${frame.y}`}>
          <rect x={frame.x} y={frame.y} width={frame.w} height={frame.h} rx={12} className="tt-template__frame" />
          <text x={frame.x + 20} y={frame.y + 44} className="tt-template__frame-name">
            {frame.name}
          </text>
        </g>
      ))}
      {template.cards.map((card) => (
        <rect
          key={`${card.x}-${card.y}`}
          x={card.x}
          y={card.y}
          width={card.w}
          height={card.h}
          rx={10}
          className="tt-template__card"
          style={{ stroke: isContributionKind(card.kind) ? KIND_ACCENT[card.kind] : undefined }}
        />
      ))}
    </svg>
  )
}

export function TemplatePicker({ value, onChange }: TemplatePickerProps) {
  const groupId = useId()
  const [templates, setTemplates] = useState<TemplatePreview[] | null>(null)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let live = true
    fetchTemplates()
      .then((list) => live && setTemplates(list))
      .catch(() => live && setFailed(true))
    return () => {
      live = false
    }
  }, [])

  const chosen = templates?.find((template) => template.id === value)
  return (
    <fieldset className="tt-field tt-templates" data-testid="template-picker">
      <legend className="tt-field__label">Start from</legend>
      <span className="tt-field__hint" id={`${groupId}-hint`}>
        {failed
          ? 'The templates could not be loaded; the board starts empty.'
          : (chosen?.description ?? 'A template puts frames and prompt cards on the canvas; you can change them all.')}
      </span>
      {templates && (
        <div className="tt-templates__grid">
          {templates.map((template) => (
            <label key={template.id} className="tt-template" data-testid={`template-${template.id}`}>
              <input
                type="radio"
                name={`${groupId}-template`}
                value={template.id}
                checked={value === template.id}
                onChange={() => onChange(template.id)}
                aria-describedby={`${groupId}-hint`}
                className="tt-template__input"
              />
              <PreviewPicture template={template} />
              <span className="tt-template__name">{template.name}</span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  )
}
