/**
 * What a board feature (client/board/features.ts) and our panels inside tldraw's UI need to know
 * about the open board: its documents, who this person is on it and what they may do now. tldraw
 * renders its component slots without props, so they read this context instead; features get it
 * in `register`.
 *
 * Which document holds what (shared/board/docNames.ts): cards and shapes in the canvas; threads,
 * replies, reactions and tours in the conversation; title, problem and facilitation in the control
 * document; members in the people document, which only the server writes.
 */
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { BoardRole } from '../../shared/board/roles'
import type { Person } from '../../shared/board/boardModel'
import type { BoardIdentity } from './boardIdentity'
import type { HeldChanges } from './heldChanges'
import type { BoardPermissions } from './permissions'
import type { PersonalToken } from './personalToken'

export interface BoardContextValue {
  readonly boardId: string
  /** The board link's token: for calls made as the link's role (open a vote, reveal, post anonymously, uploads). */
  readonly token: string
  /** This person's personal token: for calls that need a person (ballots, claims, renaming). */
  readonly person: PersonalToken
  /** Shapes, cards and links. */
  readonly canvasDoc: Y.Doc
  /** Threads, replies, reactions and tours. */
  readonly conversationDoc: Y.Doc
  /** Title, problem statement and facilitation. */
  readonly controlDoc: Y.Doc
  /** The members who have been on the board (read only: the server writes it). */
  readonly peopleDoc: Y.Doc
  /** Presence of everyone on the canvas (the canvas provider's awareness). */
  readonly awareness: Awareness
  readonly role: BoardRole
  /** Whether this person's role may ever change the board (facilitators and members). */
  readonly canEdit: boolean
  /** What this person may do now (role, lock and phase), through tldraw signals. */
  readonly permissions: BoardPermissions
  /** Which of this person's changes the relay holds back now. */
  readonly held: HeldChanges
  readonly identity: BoardIdentity
  /** Who this person is right now: their person id, and the name and colour they chose. */
  getMe(): Person
  /** The title the server confirmed, shown until the document's own title has synced. */
  readonly initialTitle: string
}

export const BoardContext = createContext<BoardContextValue | null>(null)

export function useBoardContext(): BoardContextValue {
  const value = useContext(BoardContext)
  if (!value) throw new Error('useBoardContext must be used inside a board')
  return value
}
