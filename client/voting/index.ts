/**
 * What preference voting adds to the board (wired in client/board/BoardCanvas.tsx):
 * `registerVoting` on editor mount, and `VotingOverlay` in front of the canvas — dot controls
 * and results on the round's cards, and the voting panel.
 */
export { registerVoting } from './registerVoting'
export { VotingOverlay } from './VotingOverlay'
