/**
 * A board link carries its token in the URL fragment (`/b/<id>#token=<jwt>`), which browsers never
 * send to a server. We remember the token, and the role and title the server last confirmed for it,
 * per board in localStorage: a reload without the fragment still opens the board, and a reload
 * while offline can open it from the local copy.
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

export function forgetAccess(boardId: string): void {
  try {
    localStorage.removeItem(storageKey(boardId))
  } catch {
    // Nothing to forget.
  }
}

/**
 * The token to open a board with: the one in the fragment if there is one (and then it replaces
 * any remembered token), else the remembered one, which is then put back into the fragment so the
 * address stays shareable.
 */
export function resolveBoardToken(boardId: string): string | null {
  const fromFragment = tokenFromFragment(window.location.hash)
  const remembered = readRememberedAccess(boardId)
  if (fromFragment) {
    if (remembered?.token !== fromFragment) rememberAccess(boardId, { token: fromFragment, role: null, title: null })
    return fromFragment
  }
  if (!remembered) return null
  const url = new URL(window.location.href)
  url.hash = `token=${remembered.token}`
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
  return remembered.token
}
