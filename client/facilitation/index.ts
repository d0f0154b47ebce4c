/**
 * Facilitation (phases, shared timer, lock, spotlight and summons, roles), a board feature
 * (client/board/features.ts): `registerFacilitation` on editor mount, the status line in the
 * board's chrome, the Facilitate panel in its dock, and `SummonNotice` in front of the canvas.
 * Everything it writes goes into the control document.
 */
import type { BoardFeature } from '../board/features'
import { FacilitatePanelBody, FacilitationStatusLine, useIsFacilitator } from './FacilitationOverlay'
import { registerFacilitation } from './registerFacilitation'
import { SummonNotice } from './SummonNotice'

export const facilitationFeature: BoardFeature = {
  id: 'facilitation',
  register: registerFacilitation,
  Chrome: FacilitationStatusLine,
  Overlay: SummonNotice,
  panel: {
    id: 'facilitate',
    label: 'Facilitate',
    toggleTestId: 'facilitation-controls-toggle',
    useAvailable: useIsFacilitator,
    Body: FacilitatePanelBody,
  },
}
