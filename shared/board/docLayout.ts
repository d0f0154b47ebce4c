/**
 * Where things live inside a board's Yjs documents (see docNames.ts for the documents and who may
 * write each). Server and client both read these names from here, so they never drift.
 *
 * Control document (`<boardId>.control`, facilitators write):
 * - `board` (Y.Map): `title` and `problem`, each a Y.Text so concurrent edits merge.
 *
 * Canvas document (`<boardId>`, members write while the phase lets them change the board):
 * - `tldraw:records` (Y.Map): every document-scope tldraw record, keyed by record id, stored as a
 *   plain JSON object.
 * - `tldraw:meta` (Y.Map): `schema`, the serialized tldraw schema the records were written with,
 *   so a newer client can migrate them on load.
 * - `cards` (Y.Map): the contribution cards, see boardModel.ts.
 *
 * Conversation document (`<boardId>.conversation`, members write while the phase lets them reply
 * or react): `threads`, `reactions` (see boardModel.ts) and `tours` (client/tours/tourModel.ts).
 *
 * People document (`<boardId>.people`, only the server writes): `members`, see boardModel.ts, and
 * `revealed`, the text of each card at its reveal (revealedTexts.ts).
 *
 * Boards made before the split kept threads, reactions, tours and members in the canvas; the
 * server moves them on load (server/boards/layoutMigration.ts).
 */
export const BOARD_MAP = 'board'
export const BOARD_TITLE_KEY = 'title'
export const BOARD_PROBLEM_KEY = 'problem'
export const TLDRAW_RECORDS_MAP = 'tldraw:records'
export const TLDRAW_META_MAP = 'tldraw:meta'
export const TLDRAW_SCHEMA_KEY = 'schema'
export const CARDS_MAP = 'cards'
export const THREADS_MAP = 'threads'
export const REACTIONS_MAP = 'reactions'
export const MEMBERS_MAP = 'members'
export const TOURS_MAP = 'tours'

/** Limits on what a board's title and problem statement may hold. */
/** Shapes one page of a board may hold (tldraw's own default is 4,000). */
export const MAX_SHAPES_PER_PAGE = 20_000
export const MAX_TITLE_LENGTH = 200
export const MAX_PROBLEM_LENGTH = 5000
