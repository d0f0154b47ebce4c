/**
 * The page at /b/<id>#token=<jwt>: checks the link with the server, asks a first-time visitor for
 * their name, then opens the board. Each way a link can fail has its own clear message.
 */
import { useIdentityStore } from '../state/identityStore'
import { StatusPage } from '../app/StatusPage'
import { NameDialog } from '../identity/NameDialog'
import { BoardCanvas } from './BoardCanvas'
import { useBoardAccess } from './useBoardAccess'

export interface BoardPageProps {
  readonly boardId: string
}

export default function BoardPage({ boardId }: BoardPageProps) {
  const access = useBoardAccess(boardId)
  const hasName = useIdentityStore((state) => state.name !== null)

  switch (access.kind) {
    case 'checking':
      return <StatusPage title="Opening the board…" busy />
    case 'invalidLink':
      return (
        <StatusPage
          title="This link is not valid"
          message="The link may be mistyped, expired, or meant for another board. Ask whoever invited you for a fresh link."
          showHomeLink
          testId="board-denied"
        />
      )
    case 'linkReplaced':
      return (
        <StatusPage
          title="This link was replaced; ask the facilitator for the new one."
          message="The facilitator replaced the link you opened this board with; the old one no longer opens it."
          showHomeLink
          testId="board-denied"
        />
      )
    case 'boardNotFound':
      return (
        <StatusPage
          title="This board does not exist"
          message="It may have been removed. Check the link you were given."
          showHomeLink
          testId="board-not-found"
        />
      )
    case 'unreachable':
      return (
        <StatusPage
          title="The server cannot be reached"
          message="This board has not been opened in this browser before, so there is no copy here to show. Check your connection and try again."
          testId="board-unreachable"
          actions={
            <button type="button" className="tt-button tt-button--primary" onClick={access.retry}>
              Try again
            </button>
          }
        />
      )
    case 'ready':
      return (
        <>
          <BoardCanvas boardId={boardId} token={access.token} role={access.role} title={access.title} config={access.config} />
          {!hasName && <NameDialog boardTitle={access.title} />}
        </>
      )
  }
}
