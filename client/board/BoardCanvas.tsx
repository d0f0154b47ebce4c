/**
 * The open board: tldraw's full editor on a store bound to the board's Y.Doc, with presence over
 * the provider's awareness, self-hosted tldraw assets, server uploads, and our panels (problem,
 * role, connection) in tldraw's UI slots.
 */
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useMemo } from 'react'
import { Tldraw, type Editor, type TLComponents } from 'tldraw'
import 'tldraw/tldraw.css'
import type { BoardRole } from '../../shared/board/roles'
import { canWriteBoard } from '../../shared/board/roles'
import type { ClientConfig } from '../api/boardsApi'
import { StatusPage } from '../app/StatusPage'
import { useConnectionStore, type DeniedReason } from '../state/connectionStore'
import { useIdentityStore } from '../state/identityStore'
import { BoardContext, type BoardContextValue } from './boardContext'
import { BoardSharePanel } from './BoardSharePanel'
import { registerLocalBookmarks } from './bookmarks'
import { cacheTextMeasurements } from './textMeasureCache'
import { bindPresence } from './presenceBinding'
import { ProblemPanel } from './ProblemPanel'
import { exposeBoardForTests } from './testHooks'
import { UNNAMED_PERSON } from './tldrawUser'
import { UploadNotices } from './UploadNotices'
import type { BoardProblem } from './boardConnection'
import { useBoardConnection } from './useBoardConnection'
import { ContributionOverlay, contributionShapeUtils, registerContributions } from '../contributions'
import { ConversationOverlay, canvasShapeVisibility, registerConversation } from '../conversation'
import { LinksOverlay, registerLinks } from '../links'
import { FacilitationOverlay, registerFacilitation } from '../facilitation'
import { DraftsOverlay, registerDrafts } from '../drafts'
import { VotingOverlay, registerVoting } from '../voting'
import { ToursOverlay, registerTours } from '../tours'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { readCard } from '../../shared/board/boardModel'
import './board.css'

/** tldraw's fonts, icons and translations, bundled by Vite and served by our own server. */
const assetUrls = getAssetUrlsByImport()

const components: TLComponents = {
  TopPanel: ProblemPanel,
  SharePanel: BoardSharePanel,
}

const PROBLEM_MESSAGES: Record<BoardProblem, { title: string; message: string }> = {
  newerVersion: {
    title: 'This board needs a newer version',
    message: 'Someone opened it with a newer version of Think Together. Reload the page to update.',
  },
  unreadable: {
    title: 'This board could not be opened',
    message: 'Its content could not be read by this version of Think Together. Reload the page to try again.',
  },
}

const DENIED_MESSAGES: Record<DeniedReason, { title: string; message: string }> = {
  unauthorized: {
    title: 'This link is not valid',
    message: 'The link may be mistyped, expired, or meant for another board. Ask whoever invited you for a fresh link.',
  },
  boardNotFound: { title: 'This board does not exist', message: 'It may have been removed. Check the link you were given.' },
  badDocumentName: { title: 'This link is not valid', message: 'The address does not name a board. Check the link you were given.' },
}

function presenceUser() {
  const { userId, name, color } = useIdentityStore.getState()
  return { id: userId, name: name ?? UNNAMED_PERSON, color }
}

/** While the board's content has not arrived: says so, and whether we are connected at all. */
function OpeningBoard() {
  const status = useConnectionStore((state) => state.status)
  return (
    <StatusPage
      title="Opening the board…"
      message={status === 'offline' ? 'Waiting for a connection. This board has no copy in this browser yet.' : undefined}
      busy
    />
  )
}

export interface BoardCanvasProps {
  readonly boardId: string
  readonly token: string
  readonly role: BoardRole
  readonly title: string
  readonly config: ClientConfig
}

export function BoardCanvas({ boardId, token, role, title, config }: BoardCanvasProps) {
  const readonly = !canWriteBoard(role)
  const connectionState = useBoardConnection({ boardId, token, readonly, maxAssetBytes: config.maxAssetBytes })
  const connection = connectionState.kind === 'open' ? connectionState.connection : null
  const deniedReason = useConnectionStore((state) => (state.status === 'denied' ? state.deniedReason : null))

  const boardContext = useMemo<BoardContextValue | null>(
    () =>
      connection
        ? {
            boardId,
            token,
            doc: connection.doc,
            controlDoc: connection.controlDoc,
            awareness: connection.provider.awareness,
            role,
            canEdit: !readonly,
            getMe: presenceUser,
            initialTitle: title,
          }
        : null,
    [boardId, token, connection, role, readonly, title],
  )

  const handleMount = useCallback(
    (editor: Editor) => {
      if (!connection || !boardContext) return
      if (readonly) editor.updateInstanceState({ isReadonly: true })
      const stopCachingMeasurements = cacheTextMeasurements(editor)
      registerLocalBookmarks(editor)
      const presence = bindPresence(connection.store, connection.provider.awareness, presenceUser, {
        isPrivateShape: (shapeId) => {
          const shape = editor.getShape(shapeId)
          if (shape?.type !== CONTRIBUTION_SHAPE_TYPE) return false
          const cardId = (shape.props as { cardId?: unknown }).cardId
          return typeof cardId === 'string' && readCard(connection.doc, cardId)?.anonymous === true
        },
      })
      const stopRefreshingPresence = useIdentityStore.subscribe((identity, previous) => {
        if (identity.name !== previous.name || identity.color !== previous.color) presence.refreshUser()
      })
      const disposeFeatures = [
        registerContributions(editor, boardContext),
        registerLinks(editor, boardContext),
        registerConversation(editor, boardContext),
        registerFacilitation(editor, boardContext),
        registerDrafts(editor, boardContext),
        registerVoting(editor, boardContext),
        registerTours(editor, boardContext),
      ]
      const hideFromTests = exposeBoardForTests({
        editor,
        doc: connection.doc,
        provider: connection.provider,
        controlDoc: connection.controlDoc,
        controlProvider: connection.controlProvider,
      })
      return () => {
        for (const dispose of disposeFeatures) dispose()
        stopCachingMeasurements()
        hideFromTests()
        stopRefreshingPresence()
        presence.dispose()
      }
    },
    [connection, boardContext, readonly],
  )

  if (deniedReason) {
    const { title: deniedTitle, message } = DENIED_MESSAGES[deniedReason]
    return <StatusPage title={deniedTitle} message={message} showHomeLink testId="board-denied" />
  }
  if (connectionState.kind === 'failed') {
    const { title: problemTitle, message } = PROBLEM_MESSAGES[connectionState.problem]
    return (
      <StatusPage
        title={problemTitle}
        message={message}
        testId="board-problem"
        actions={
          <button type="button" className="tt-button tt-button--primary" onClick={() => window.location.reload()}>
            Reload
          </button>
        }
      />
    )
  }
  if (!connection || !boardContext) return <OpeningBoard />

  return (
    <BoardContext.Provider value={boardContext}>
      <div className="tt-board" data-role={role}>
        <Tldraw
          store={connection.store}
          user={connection.identity.user}
          licenseKey={config.tldrawLicenseKey ?? undefined}
          assetUrls={assetUrls}
          maxAssetSize={config.maxAssetBytes}
          components={components}
          shapeUtils={contributionShapeUtils}
          getShapeVisibility={canvasShapeVisibility}
          onMount={handleMount}
        >
          <UploadNotices />
          <ContributionOverlay />
          <LinksOverlay />
          <ConversationOverlay />
          <FacilitationOverlay />
          <DraftsOverlay />
          <VotingOverlay />
          <ToursOverlay />
        </Tldraw>
      </div>
    </BoardContext.Provider>
  )
}
