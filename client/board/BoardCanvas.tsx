/**
 * The open board: this person's personal token first, then tldraw's full editor on a store bound
 * to the board's canvas document, with presence over the canvas provider's awareness, self-hosted
 * tldraw assets, server uploads, our panels (problem, role, connection) and the main menu with its
 * Export… submenu in tldraw's UI slots, every board feature from client/board/features.ts
 * (overlays in front of the canvas, chrome and the dock's panels in the chrome layer that Tab
 * reaches before the canvas), and the history strip under the canvas (a past moment, when one is
 * shown, is drawn over the live canvas by client/history/).
 */
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { Tldraw, type Editor, type TLComponents, type TldrawOptions } from 'tldraw'
import { MAX_SHAPES_PER_PAGE } from '../../shared/board/docLayout'
import 'tldraw/tldraw.css'
import type { BoardRole } from '../../shared/board/roles'
import { canWriteBoard } from '../../shared/board/roles'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { readCard } from '../../shared/board/boardModel'
import type { ClientConfig } from '../api/boardsApi'
import { BoardShortcutsDialog } from '../contributions'
import { StatusPage } from '../app/StatusPage'
import { BoardMainMenu } from '../exchange/BoardMainMenu'
import { useConnectionStore, type DeniedReason } from '../state/connectionStore'
import { forgetAccess } from './boardAccess'
import { BoardContext, type BoardContextValue } from './boardContext'
import type { BoardConnectionOptions, BoardProblem } from './boardConnection'
import { BoardDocumentTitle } from './BoardDocumentTitle'
import { BoardSharePanel } from './BoardSharePanel'
import { registerLocalBookmarks } from './bookmarks'
import { ChromeLayer } from '../dock/ChromeLayer'
import { PanelDock } from '../dock/PanelDock'
import { BOARD_FEATURES, dockPanels, featureShapeUtils, featureShapeVisibility, registerFeatures } from './features'
import { forgetPersonalToken } from './personalToken'
import { bindPresence } from './presenceBinding'
import { ProblemPanel } from './ProblemPanel'
import { exposeBoardForTests } from './testHooks'
import { cacheTextMeasurements } from './textMeasureCache'
import { UploadNotices } from './UploadNotices'
import { createBoardAssetStore } from './assetStore'
import { HistoryBoard } from '../history/HistoryBoard'
import { HistoryStrip } from '../history/HistoryStrip'
import { useHistoryStore } from '../history/historyStore'
import { useBoardConnection } from './useBoardConnection'
import { usePersonalToken, type PersonalTokenState } from './usePersonalToken'
import './board.css'

/** tldraw's fonts, icons and translations, bundled by Vite and served by our own server. */
const assetUrls = getAssetUrlsByImport()

const components: TLComponents = {
  MainMenu: BoardMainMenu,
  TopPanel: ProblemPanel,
  SharePanel: BoardSharePanel,
  KeyboardShortcutsDialog: BoardShortcutsDialog,
}

/**
 * tldraw refuses to create shapes past 4,000 on a page; a workshop board of 5,000 cards and their
 * links is bigger than that, and an imported board may hold up to 10,000 cards: a member could not
 * add a card to it. Rendering stays fast (tldraw culls what is off screen).
 */
const editorOptions: Partial<TldrawOptions> = { maxShapesPerPage: MAX_SHAPES_PER_PAGE }

const shapeUtils = featureShapeUtils()
const getShapeVisibility = featureShapeVisibility()
const overlays = BOARD_FEATURES.flatMap((feature) => (feature.Overlay ? [{ id: feature.id, Overlay: feature.Overlay }] : []))
const chrome = BOARD_FEATURES.flatMap((feature) => (feature.Chrome ? [{ id: feature.id, Chrome: feature.Chrome }] : []))
const panels = dockPanels()

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
  linkReplaced: {
    title: 'This link was replaced; ask the facilitator for the new one.',
    message: 'The facilitator replaced the link you opened this board with; the old one no longer opens it.',
  },
  boardDeleted: { title: 'This board was deleted.', message: 'A facilitator deleted it; its content is gone from the server.' },
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

/** The server asked us to come back in a moment: a calm countdown, and nothing to do. */
function WaitingToJoin({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const seconds = Math.max(1, Math.ceil((until - now) / 1000))
  return (
    <StatusPage
      title="Joining the board…"
      message={`Many people are joining right now. You join in about ${seconds} ${seconds === 1 ? 'second' : 'seconds'}; there is nothing you need to do.`}
      busy
      testId="board-joining-wait"
    />
  )
}

/** While this browser's personal token is on its way (or the server asked us to wait for it). */
function JoiningBoard({ state }: { state: Exclude<PersonalTokenState, { kind: 'ready' }> }) {
  switch (state.kind) {
    case 'asking':
      return <StatusPage title="Opening the board…" busy />
    case 'waiting':
      return <WaitingToJoin until={state.until} />
    case 'refused':
      return <StatusPage title={DENIED_MESSAGES.unauthorized.title} message={DENIED_MESSAGES.unauthorized.message} showHomeLink testId="board-denied" />
    case 'unreachable':
      return (
        <StatusPage
          title="The server cannot be reached"
          message="This browser has not joined this board before, so it cannot open it offline. Check your connection and try again."
          testId="board-unreachable"
          actions={
            <button type="button" className="tt-button tt-button--primary" onClick={state.retry}>
              Try again
            </button>
          }
        />
      )
  }
}

export interface BoardCanvasProps {
  readonly boardId: string
  readonly token: string
  readonly role: BoardRole
  readonly title: string
  readonly config: ClientConfig
}

export function BoardCanvas(props: BoardCanvasProps) {
  const personalToken = usePersonalToken(props.boardId, props.token, props.role)
  if (personalToken.kind !== 'ready') return <JoiningBoard state={personalToken} />
  return <OpenBoard {...props} person={personalToken.person} />
}

function OpenBoard({ boardId, token, role, title, config, person }: BoardCanvasProps & { person: BoardConnectionOptions['person'] }) {
  const readonly = !canWriteBoard(role)
  const options = useMemo<BoardConnectionOptions>(
    () => ({ boardId, boardToken: token, person, role, maxAssetBytes: config.maxAssetBytes, maxBoardAssetBytes: config.maxBoardAssetBytes, shapeUtils }),
    [boardId, token, person, role, config.maxAssetBytes, config.maxBoardAssetBytes],
  )
  const connectionState = useBoardConnection(options)
  const connection = connectionState.kind === 'open' ? connectionState.connection : null
  const deniedReason = useConnectionStore((state) => (state.status === 'denied' ? state.deniedReason : null))
  const moment = useHistoryStore((state) => state.moment)
  // A past moment is read only: it uploads nothing, and reads files with the cookie the live connection keeps.
  const historyAssets = useMemo(
    () =>
      createBoardAssetStore({
        boardId,
        token,
        maxAssetBytes: config.maxAssetBytes,
        maxBoardAssetBytes: config.maxBoardAssetBytes,
        accessReady: Promise.resolve(),
      }),
    [boardId, token, config.maxAssetBytes, config.maxBoardAssetBytes],
  )
  // Leaving the board leaves its history too.
  useEffect(() => () => useHistoryStore.getState().close(), [])

  // A personal token the relay refuses is of no use any more: the next visit asks for a new one.
  useEffect(() => {
    if (deniedReason === 'unauthorized' || deniedReason === 'linkReplaced' || deniedReason === 'boardDeleted') {
      forgetPersonalToken(boardId, person.personToken)
    }
    if (deniedReason === 'linkReplaced') forgetAccess(boardId, token)
  }, [deniedReason, boardId, person.personToken, token])

  const boardContext = useMemo<BoardContextValue | null>(
    () =>
      connection
        ? {
            boardId,
            token,
            person,
            canvasDoc: connection.canvas.doc,
            conversationDoc: connection.conversation.doc,
            controlDoc: connection.control.doc,
            peopleDoc: connection.people.doc,
            awareness: connection.canvas.provider.awareness,
            role,
            canEdit: !readonly,
            permissions: connection.permissions,
            held: connection.held,
            identity: connection.identity,
            getMe: connection.identity.getMe,
            initialTitle: title,
          }
        : null,
    [boardId, token, person, connection, role, readonly, title],
  )

  const handleMount = useCallback(
    (editor: Editor) => {
      if (!connection || !boardContext) return
      if (readonly) editor.updateInstanceState({ isReadonly: true })
      const stopCachingMeasurements = cacheTextMeasurements(editor)
      registerLocalBookmarks(editor)
      const presence = bindPresence(connection.store, connection.canvas.provider.awareness, boardContext.getMe, {
        isPrivateShape: (shapeId) => {
          const shape = editor.getShape(shapeId)
          if (shape?.type !== CONTRIBUTION_SHAPE_TYPE) return false
          const cardId = (shape.props as { cardId?: unknown }).cardId
          return typeof cardId === 'string' && readCard(connection.canvas.doc, cardId)?.anonymous === true
        },
      })
      const disposeFeatures = registerFeatures(editor, boardContext)
      const hideFromTests = exposeBoardForTests({
        editor,
        doc: connection.canvas.doc,
        provider: connection.canvas.provider,
        conversationDoc: connection.conversation.doc,
        conversationProvider: connection.conversation.provider,
        controlDoc: connection.control.doc,
        controlProvider: connection.control.provider,
        peopleDoc: connection.people.doc,
        peopleProvider: connection.people.provider,
        personId: person.personId,
      })
      return () => {
        disposeFeatures()
        stopCachingMeasurements()
        hideFromTests()
        presence.dispose()
      }
    },
    [connection, boardContext, readonly, person.personId],
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
      <BoardDocumentTitle />
      <div className="tt-board" data-role={role}>
        <div className="tt-board__canvas">
          <Tldraw
            store={connection.store}
            user={connection.tldrawIdentity.user}
            licenseKey={config.tldrawLicenseKey ?? undefined}
            options={editorOptions}
            assetUrls={assetUrls}
            maxAssetSize={config.maxAssetBytes}
            components={components}
            shapeUtils={shapeUtils}
            getShapeVisibility={getShapeVisibility}
            onMount={handleMount}
          >
            <UploadNotices />
            <ChromeLayer>
              {chrome.map(({ id, Chrome }) => (
                <Chrome key={id} />
              ))}
              <PanelDock panels={panels} />
            </ChromeLayer>
            {overlays.map(({ id, Overlay }) => (
              <Overlay key={id} />
            ))}
          </Tldraw>
          {moment && (
            <HistoryBoard
              live={boardContext}
              moment={moment}
              shapeUtils={shapeUtils}
              assets={historyAssets}
              assetUrls={assetUrls}
              licenseKey={config.tldrawLicenseKey ?? undefined}
            />
          )}
        </div>
        <HistoryStrip boardId={boardId} token={token} role={role} />
      </div>
    </BoardContext.Provider>
  )
}
