/**
 * Wires voting to an open board: starts this browser's voting session (its personal token) and
 * reads its own ballot back from the server for every open round — when the board opens, and
 * when the facilitator opens a new round. Observers only see rounds and results, so they load
 * no ballots.
 */
import type { Editor } from 'tldraw'
import type { BoardContextValue } from '../board/boardContext'
import { canWriteBoard } from '../../shared/board/roles'
import { FACILITATION_MAP } from '../../shared/board/facilitation'
import { listVoteRounds } from '../../shared/board/voting'
import { useBallots } from './votingState'

export function registerVoting(_editor: Editor, board: BoardContextValue): () => void {
  const ballots = useBallots.getState()
  ballots.start({ boardId: board.boardId, personToken: board.person.personToken })
  if (!canWriteBoard(board.role)) return () => useBallots.getState().stop()

  const facilitation = board.controlDoc.getMap(FACILITATION_MAP)
  const loadOpenBallots = () => {
    const { ballots: known, loadBallot } = useBallots.getState()
    for (const round of listVoteRounds(board.controlDoc)) {
      if (round.status === 'open' && !known[round.roundId]) void loadBallot(round.roundId)
    }
  }
  loadOpenBallots()
  facilitation.observeDeep(loadOpenBallots)
  return () => {
    facilitation.unobserveDeep(loadOpenBallots)
    useBallots.getState().stop()
  }
}
