/**
 * Preference voting, a board feature (client/board/features.ts): `registerVoting` on editor
 * mount, and `VotingOverlay` in front of the canvas — dot controls and results on the round's
 * cards; and the voting panel in the board's dock. Rounds live in the control document; ballots only on the server.
 */
import type { BoardFeature } from '../board/features'
import { registerVoting } from './registerVoting'
import { VOTING_PANEL_ID, VotingBadge, VotingOverlay, VotingPanelBody } from './VotingOverlay'

export const votingFeature: BoardFeature = {
  id: 'voting',
  register: registerVoting,
  Overlay: VotingOverlay,
  panel: { id: VOTING_PANEL_ID, label: 'Voting', toggleTestId: 'voting-toggle', Badge: VotingBadge, Body: VotingPanelBody },
}
