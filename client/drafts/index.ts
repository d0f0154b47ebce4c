/**
 * Think alone, then reveal: members write drafts only they can see while a round is open; the
 * facilitator sees how many are ready and reveals them all at once (the server copies them onto
 * the board). Wired in client/board/BoardCanvas.tsx:
 *
 * - `registerDrafts(editor, board)`: this browser's personal token and private drafts document,
 *   and keys 1–6 adding drafts while a round is open (registerDrafts.ts).
 * - `DraftsOverlay`: the round controls, the banner, the drafts list and the ready toggle
 *   (DraftsOverlay.tsx).
 */
export { registerDrafts } from './registerDrafts'
export { DraftsOverlay } from './DraftsOverlay'
