/**
 * The problem the board is about, pinned at the top centre of the canvas (on narrow screens, in a
 * full-width strip below the top bar, where the centre would be too narrow to read): the title, and
 * the problem statement (collapsible). Both are read live from the document and rendered as text.
 */
import type { ReactNode } from 'react'
import { CenteredTopPanelContainer, PORTRAIT_BREAKPOINT, useBreakpoint } from 'tldraw'
import { BOARD_PROBLEM_KEY, BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { usePanelStore } from '../state/panelStore'
import { useBoardContext } from './boardContext'
import { useBoardText } from './useBoardText'

export function ProblemPanel() {
  const { controlDoc, initialTitle } = useBoardContext()
  const title = useBoardText(controlDoc, BOARD_TITLE_KEY) || initialTitle
  const problem = useBoardText(controlDoc, BOARD_PROBLEM_KEY)
  const isExpanded = usePanelStore((state) => state.isProblemExpanded)
  const setExpanded = usePanelStore((state) => state.setProblemExpanded)
  const problemId = 'tt-problem-text'

  return (
    <ProblemPanelPlacement>
      <section className="tt-problem-panel" aria-labelledby="tt-problem-title" data-testid="problem-panel">
        <div className="tt-problem-panel__header">
          <h1 id="tt-problem-title" className="tt-problem-panel__title" data-testid="problem-title">
            {title || 'Untitled board'}
          </h1>
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
      </section>
    </ProblemPanelPlacement>
  )
}

function ProblemPanelPlacement({ children }: { children: ReactNode }) {
  const breakpoint = useBreakpoint()
  if (breakpoint < PORTRAIT_BREAKPOINT.TABLET) return <div className="tt-problem-panel-strip">{children}</div>
  return <CenteredTopPanelContainer maxWidth={560}>{children}</CenteredTopPanelContainer>
}
