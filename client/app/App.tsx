/**
 * The app's routes: `/` is the home page (create a board), `/b/<id>` a board. The board page is
 * loaded on demand, so the home page does not download the whole editor.
 */
import { lazy, Suspense } from 'react'
import { HomePage } from '../home/HomePage'
import { boardIdFromPath, usePathname } from './navigation'
import { StatusPage } from './StatusPage'

const BoardPage = lazy(() => import('../board/BoardPage'))

export function App() {
  const pathname = usePathname()
  if (pathname === '/' || pathname === '/index.html') return <HomePage />
  const boardId = boardIdFromPath(pathname)
  if (boardId !== null) {
    return (
      <Suspense fallback={<StatusPage title="Opening the board…" busy />}>
        <BoardPage key={boardId} boardId={boardId} />
      </Suspense>
    )
  }
  return <StatusPage title="Nothing here" message="This address does not lead to a board. Check the link you were given, or start a new board." showHomeLink />
}
