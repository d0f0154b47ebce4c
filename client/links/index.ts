/**
 * Typed links, a board feature (client/board/features.ts): an arrow a member binds between two
 * cards becomes a link of a type (builds on, leads to, ...), shown on the arrow as a label and a
 * style; the type is changed in a small toolbar under the selected link. Links are arrows in the
 * canvas document. See linkRecords.ts for the records and registerLinks.ts for when an arrow
 * becomes a link.
 */
import type { BoardFeature } from '../board/features'
import { LinksOverlay } from './LinksOverlay'
import { registerLinkSideEffects } from './registerLinks'

export const linksFeature: BoardFeature = {
  id: 'links',
  register: registerLinkSideEffects,
  Overlay: LinksOverlay,
}
