/**
 * What facilitation (phases, shared timer, lock, spotlight and summons, roles) adds to the board
 * (wired in client/board/BoardCanvas.tsx): `registerFacilitation` on editor mount, and
 * `FacilitationOverlay` in front of the canvas.
 */
export { registerFacilitation } from './registerFacilitation'
export { FacilitationOverlay } from './FacilitationOverlay'
