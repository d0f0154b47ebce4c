/**
 * For facilitators, in the board's top-right corner: removing the uploaded images and videos no
 * shape on the board uses any more (POST /api/boards/:id/assets/prune), which frees room in the
 * board's file quota. Files uploaded in the last hour are kept (a shape may be about to use one),
 * and the answer says how many files and bytes went.
 */
import { useState } from 'react'
import { TldrawUiButton, TldrawUiButtonLabel, TldrawUiPopover, TldrawUiPopoverContent, TldrawUiPopoverTrigger } from 'tldraw'
import { ApiError } from '../api/apiRequest'
import { pruneBoardAssets, type PrunedAssets } from '../api/boardsApi'
import { useBoardContext } from './boardContext'
import { formatFileSize } from '../../shared/board/fileSize'

function describeOutcome({ removed, bytes, keptBytes }: PrunedAssets): string {
  const kept = `The board's files now take ${formatFileSize(keptBytes)}.`
  if (removed === 0) return `No unused files to remove. ${kept}`
  return `Removed ${removed} unused ${removed === 1 ? 'file' : 'files'} (${formatFileSize(bytes)}). ${kept}`
}

type PruneState = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; text: string } | { kind: 'failed'; text: string }

export function UnusedFilesControl() {
  const { boardId, token, role } = useBoardContext()
  const [state, setState] = useState<PruneState>({ kind: 'idle' })
  if (role !== 'facilitator') return null

  const prune = async () => {
    setState({ kind: 'working' })
    try {
      setState({ kind: 'done', text: describeOutcome(await pruneBoardAssets(boardId, token)) })
    } catch (error) {
      setState({ kind: 'failed', text: error instanceof ApiError ? error.message : 'The files could not be removed; try again.' })
    }
  }

  return (
    <TldrawUiPopover id="tt-unused-files" onOpenChange={(open) => open || setState({ kind: 'idle' })}>
      <TldrawUiPopoverTrigger>
        <button type="button" className="tt-files-trigger" data-testid="unused-files-trigger" title="The board's uploaded files">
          Files
        </button>
      </TldrawUiPopoverTrigger>
      <TldrawUiPopoverContent side="bottom" align="end" sideOffset={6}>
        <div className="tt-files-panel" data-testid="unused-files-panel">
          <p className="tt-files-panel__text">
            Images and videos deleted from the board still take room in its file quota. Remove the ones no shape uses any more; files added in the last hour are
            kept.
          </p>
          <TldrawUiButton type="normal" onClick={prune} disabled={state.kind === 'working'} data-testid="unused-files-remove">
            <TldrawUiButtonLabel>{state.kind === 'working' ? 'Removing…' : 'Remove unused files'}</TldrawUiButtonLabel>
          </TldrawUiButton>
          {(state.kind === 'done' || state.kind === 'failed') && (
            <p className="tt-files-panel__outcome" role="status" data-testid="unused-files-outcome" data-failed={state.kind === 'failed' || undefined}>
              {state.text}
            </p>
          )}
        </div>
      </TldrawUiPopoverContent>
    </TldrawUiPopover>
  )
}
