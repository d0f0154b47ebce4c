/**
 * Where things live inside a board's Yjs documents (see docNames.ts for the documents and who may
 * write each). Server and client both read these names from here, so they never drift.
 *
 * Control document (`<boardId>.control`, facilitators write):
 * - `board` (Y.Map): `title` and `problem`, each a Y.Text so concurrent edits merge.
 *
 * Canvas document (`<boardId>`, members write):
 * - `tldraw:records` (Y.Map): every document-scope tldraw record, keyed by record id, stored as a
 *   plain JSON object.
 * - `tldraw:meta` (Y.Map): `schema`, the serialized tldraw schema the records were written with,
 *   so a newer client can migrate them on load.
 * - `cards`, `threads`, `reactions`, `members` (Y.Maps): the thinking-together layer, see
 *   boardModel.ts.
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

/** Limits on what a board's title and problem statement may hold. */
export const MAX_TITLE_LENGTH = 200
export const MAX_PROBLEM_LENGTH = 5000
