/**
 * The problem the board is about, pinned at the top centre of the canvas (on narrow screens, in a
 * full-width strip below the top bar, where the centre would be too narrow to read): the title, and
 * the problem statement (collapsible). Both are read live from the control document and rendered
 * as text. A facilitator can edit both: the edit is a draft until saved (useBoardText.ts), then
 * merges with whatever others changed meanwhile. Other roles get no edit control (and the relay
 * refuses their writes to the control document anyway).
 */
import { useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { CenteredTopPanelContainer, PORTRAIT_BREAKPOINT, useBreakpoint } from 'tldraw'
import { cleanText } from '../../shared/board/boardModel'
import { BOARD_PROBLEM_KEY, BOARD_TITLE_KEY, MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'
import { usePanelStore } from '../state/panelStore'
import { useBoardContext } from './boardContext'
import { startBoardTextDraft, useBoardText } from './useBoardText'

export function ProblemPanel() {
  const { controlDoc, initialTitle, role } = useBoardContext()
  const title = useBoardText(controlDoc, BOARD_TITLE_KEY) || initialTitle
  const problem = useBoardText(controlDoc, BOARD_PROBLEM_KEY)
  const isExpanded = usePanelStore((state) => state.isProblemExpanded)
  const setExpanded = usePanelStore((state) => state.setProblemExpanded)
  const [isEditing, setEditing] = useState(false)
  const editButton = useRef<HTMLButtonElement>(null)
  const problemId = 'tt-problem-text'

  const stopEditing = () => {
    setEditing(false)
    requestAnimationFrame(() => editButton.current?.focus())
  }

  return (
    <ProblemPanelPlacement>
      <section className="tt-problem-panel" aria-labelledby="tt-problem-title" data-testid="problem-panel">
        {isEditing ? (
          <ProblemEditor onDone={stopEditing} />
        ) : (
          <>
            <div className="tt-problem-panel__header">
              <h1 id="tt-problem-title" className="tt-problem-panel__title" data-testid="problem-title">
                {title || 'Untitled board'}
              </h1>
              <div className="tt-problem-panel__actions">
                {role === 'facilitator' && (
                  <button
                    ref={editButton}
                    type="button"
                    className="tt-problem-panel__toggle"
                    aria-label="Edit title and problem"
                    onClick={() => setEditing(true)}
                    data-testid="problem-edit"
                  >
                    Edit
                  </button>
                )}
                {problem && (
                  <button
                    type="button"
                    className="tt-problem-panel__toggle"
                    aria-expanded={isExpanded}
                    aria-controls={problemId}
                    onClick={() => setExpanded(!isExpanded)}
                  >
                    {isExpanded ? 'Hide problem' : 'Show problem'}
                  </button>
                )}
              </div>
            </div>
            {problem && (
              <p
                id={problemId}
                className="tt-problem-panel__problem"
                hidden={!isExpanded}
                tabIndex={0}
                aria-label="Problem statement"
                data-testid="problem-text"
              >
                {problem}
              </p>
            )}
          </>
        )}
      </section>
    </ProblemPanelPlacement>
  )
}

/** A title is one line. */
function cleanTitle(value: string): string {
  return cleanText(value.replace(/[\r\n]+/g, ' '), MAX_TITLE_LENGTH)
}

function ProblemEditor({ onDone }: { onDone: () => void }) {
  const { controlDoc } = useBoardContext()
  const [draft] = useState(() => startBoardTextDraft(controlDoc))
  const [title, setTitle] = useState(() => draft.read(BOARD_TITLE_KEY))
  const [problem, setProblem] = useState(() => draft.read(BOARD_PROBLEM_KEY))
  const canSave = title.trim().length > 0

  const save = (event?: FormEvent) => {
    event?.preventDefault()
    if (!canSave) return
    draft.save()
    onDone()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      onDone()
    } else if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      save(event)
    }
  }

  return (
    <form className="tt-problem-editor" onSubmit={save} onKeyDown={onKeyDown} aria-labelledby="tt-problem-editor-heading" data-testid="problem-editor">
      <h1 id="tt-problem-editor-heading" className="tt-problem-panel__title">
        Edit the board’s problem
      </h1>
      <label className="tt-problem-editor__field">
        <span>Title</span>
        <input
          type="text"
          value={title}
          maxLength={MAX_TITLE_LENGTH}
          autoFocus
          onChange={(event) => {
            const next = cleanTitle(event.target.value)
            setTitle(next)
            draft.write(BOARD_TITLE_KEY, next)
          }}
          data-testid="problem-edit-title"
        />
      </label>
      <label className="tt-problem-editor__field">
        <span>Problem</span>
        <textarea
          value={problem}
          rows={5}
          maxLength={MAX_PROBLEM_LENGTH}
          onChange={(event) => {
            const next = cleanText(event.target.value, MAX_PROBLEM_LENGTH)
            setProblem(next)
            draft.write(BOARD_PROBLEM_KEY, next)
          }}
          data-testid="problem-edit-problem"
        />
      </label>
      <div className="tt-problem-editor__footer">
        <span className="tt-problem-editor__hint">Everyone sees it when you save.</span>
        <button type="button" className="tt-problem-editor__button" onClick={onDone} data-testid="problem-edit-cancel">
          Cancel
        </button>
        <button type="submit" className="tt-problem-editor__button tt-problem-editor__button--primary" disabled={!canSave} data-testid="problem-edit-save">
          Save
        </button>
      </div>
    </form>
  )
}

function ProblemPanelPlacement({ children }: { children: ReactNode }) {
  const breakpoint = useBreakpoint()
  if (breakpoint < PORTRAIT_BREAKPOINT.TABLET) return <div className="tt-problem-panel-strip">{children}</div>
  return <CenteredTopPanelContainer maxWidth={560}>{children}</CenteredTopPanelContainer>
}
