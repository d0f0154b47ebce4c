/**
 * The board as it was at the moment the history strip shows: a tldraw editor of its own on a
 * store of its own, fed from the moment's documents and never from the live ones, read only,
 * drawn in place of the live canvas. Cards read the moment's documents through a board context
 * that points at them, so their text, authors and replies are those of that moment.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { Tldraw, type Editor, type TLAnyShapeUtilConstructor, type TLAssetStore, type TLComponents, type TLUiAssetUrlOverrides } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { BoardContext } from '../board/boardContext'
import { attachBoard } from '../contributions/boardRegistry'
import { formatMoment } from './formatMoment'
import { useHistoryStore, type MomentDocs } from './historyStore'
import { createHistoryStore, showMomentInStore } from './momentStore'

/** Says, where the problem statement sits on the live board, that this is a past moment. */
function MomentBanner() {
  const at = useHistoryStore((state) => state.moment?.at ?? null)
  if (at === null) return null
  return (
    <div className="tt-history-banner" data-testid="history-banner">
      The board as it was at <strong>{formatMoment(at)}</strong> · read only
    </div>
  )
}

const components: TLComponents = { SharePanel: null, TopPanel: MomentBanner, StylePanel: null }

export interface HistoryBoardProps {
  readonly live: BoardContextValue
  readonly moment: MomentDocs
  readonly shapeUtils: readonly TLAnyShapeUtilConstructor[]
  readonly assets: TLAssetStore
  readonly assetUrls: TLUiAssetUrlOverrides
  readonly licenseKey: string | undefined
}

export function HistoryBoard({ live, moment, shapeUtils, assets, assetUrls, licenseKey }: HistoryBoardProps) {
  const store = useMemo(() => createHistoryStore(shapeUtils, assets), [shapeUtils, assets])
  const [editor, setEditor] = useState<Editor | null>(null)
  const context = useMemo<BoardContextValue>(
    () => ({ ...live, canvasDoc: moment.canvas, conversationDoc: moment.conversation, controlDoc: moment.control, canEdit: false }),
    [live, moment],
  )
  // Before paint, so the view never shows one moment's cards with another moment's documents.
  useLayoutEffect(() => showMomentInStore(store, moment.canvas, shapeUtils), [store, moment, shapeUtils])
  useEffect(() => (editor ? attachBoard(editor, context) : undefined), [editor, context])
  // The first moment with something on it is fitted to the view; later ones keep the person's camera.
  const fitted = useRef(false)
  useEffect(() => {
    if (!editor || fitted.current || editor.getCurrentPageShapeIds().size === 0) return
    fitted.current = true
    editor.zoomToFit({ animation: { duration: 0 } })
    // A few cards fitted to the view would be drawn larger than life.
    if (editor.getZoomLevel() > 1) editor.resetZoom(editor.getViewportScreenCenter(), { animation: { duration: 0 } })
  }, [editor, moment])

  return (
    <BoardContext.Provider value={context}>
      <div className="tt-history-board" data-testid="history-board" data-moment={moment.at}>
        <Tldraw
          store={store}
          licenseKey={licenseKey}
          assetUrls={assetUrls}
          components={components}
          shapeUtils={shapeUtils}
          onMount={(mounted) => {
            mounted.updateInstanceState({ isReadonly: true })
            setEditor(mounted)
          }}
        />
      </div>
    </BoardContext.Provider>
  )
}
