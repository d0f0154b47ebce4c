/**
 * A board link carries its token in the URL fragment (`/b/<id>#token=<jwt>`), which browsers never
 * send to a server. The page takes it from there, remembers it (with the role and title the server
 * last confirmed for it, per board in localStorage) and clears it from the address bar at once, so
 * that the token is not left in the address bar, a bookmark, a screenshot or the history: a reload
 * of /b/<id> opens the board from the remembered token, offline too from the local copy. The
 * facilitator's share panel hands out the links.
 */
import { z } from 'zod'
import { BOARD_ROLES } from '../../shared/board/roles'

const rememberedAccessSchema = z.object({
  token: z.string().min(1),
  role: z.enum(BOARD_ROLES).nullable(),
  title: z.string().nullable(),
})

export type RememberedAccess = z.infer<typeof rememberedAccessSchema>

function storageKey(boardId: string): string {
  return `think-together:board:${boardId}`
}

export function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')
  return token ? token : null
}

export function readRememberedAccess(boardId: string): RememberedAccess | null {
  try {
    const raw = localStorage.getItem(storageKey(boardId))
    if (!raw) return null
    const parsed = rememberedAccessSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function rememberAccess(boardId: string, access: RememberedAccess): void {
  try {
    localStorage.setItem(storageKey(boardId), JSON.stringify(access))
  } catch {
    // Storage full or disabled: the link in the address bar still works.
  }
}

/** Forgets the remembered access to a board; with `token`, only while that is the remembered token. */
export function forgetAccess(boardId: string, token?: string): void {
  try {
    if (token !== undefined && readRememberedAccess(boardId)?.token !== token) return
    localStorage.removeItem(storageKey(boardId))
  } catch {
    // Nothing to forget.
  }
}

/**
 * The token to open a board with: the one in the fragment if there is one (it then replaces any
 * remembered token, and the fragment is cleared from the address, replacing the history entry so
 * that Back does not bring it back), else the remembered one.
 */
export function resolveBoardToken(boardId: string): string | null {
  const fromFragment = tokenFromFragment(window.location.hash)
  const remembered = readRememberedAccess(boardId)
  if (fromFragment) {
    if (remembered?.token !== fromFragment) rememberAccess(boardId, { token: fromFragment, role: null, title: null })
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search)
    return fromFragment
  }
  return remembered?.token ?? null
}
