/**
 * The home page: what Think Together is, in two lines, the form that starts a board (from a
 * template), and the import of a file into a new board. After either, it shows the board's three
 * links.
 */
import { useState } from 'react'
import type { CreatedBoard } from '../api/boardsApi'
import { BoardLinks } from './BoardLinks'
import { CreateBoardForm } from './CreateBoardForm'
import { ImportBoardForm } from './ImportBoardForm'
import './home.css'

export function HomePage() {
  const [created, setCreated] = useState<{ board: CreatedBoard; title: string } | null>(null)
  const [draft, setDraft] = useState({ title: '', problem: '' })

  return (
    <main className="tt-home">
      <header className="tt-home__header">
        <h1 className="tt-home__title">Think Together</h1>
        <p className="tt-home__lede">
          One shared problem, one board. Each person places their understanding, questions and experience around it, so the group can work through it together.
        </p>
      </header>
      <div className="tt-home__card">
        {created ? (
          <BoardLinks title={created.title} links={created.board.links} onStartOver={() => setCreated(null)} />
        ) : (
          <CreateBoardForm onCreated={(board, title) => setCreated({ board, title })} onDraftChange={setDraft} />
        )}
      </div>
      {!created && (
        <div className="tt-home__card tt-home__card--secondary">
          <ImportBoardForm board={draft} onCreated={(board, title) => setCreated({ board, title })} />
        </div>
      )}
    </main>
  )
}
