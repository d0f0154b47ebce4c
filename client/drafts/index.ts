/**
 * Think alone, then reveal, a board feature (client/board/features.ts): members write drafts only
 * they can see while a round is open; the facilitator sees how many are ready and reveals them all
 * at once (the server copies them onto the board).
 *
 * - register: this person's private drafts document, and keys 1–6 adding drafts while a round is
 *   open (registerDrafts.ts).
 * - panel: the round controls, the banner, the drafts list and the ready toggle, in the board's
 *   dock (DraftsOverlay.tsx), brought up for a member when a round opens.
 */
import type { BoardFeature } from '../board/features'
import { DRAFTS_PANEL_ID, DraftsPanelBody, DraftsRoundWatcher, useDraftsAvailable } from './DraftsOverlay'
import { registerDrafts } from './registerDrafts'

export const draftsFeature: BoardFeature = {
  id: 'drafts',
  register: registerDrafts,
  Chrome: DraftsRoundWatcher,
  panel: {
    id: DRAFTS_PANEL_ID,
    label: 'Think alone',
    toggleTestId: 'drafts-toggle',
    useAvailable: useDraftsAvailable,
    Body: DraftsPanelBody,
  },
}
