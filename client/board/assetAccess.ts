/**
 * Keeps this tab able to read the board's images and videos without a token in their URLs: it
 * asks the server for the short-lived asset cookie (POST /api/boards/:id/assets/access, with the
 * board link in the Authorization header; see server/http/assetAccess.ts), renews it at half its
 * life, and again when the tab becomes visible or the network returns after the cookie may have
 * run out. `ready` resolves after the first attempt either way: offline, cached files still show.
 *
 * @example
 *   const access = startAssetAccess(boardId, boardToken)
 *   await access.ready          // <img src="/api/boards/…/assets/…"> now loads
 *   access.dispose()
 */
import { requestAssetAccess } from '../api/boardsApi'

/** Tried again this soon when asking for the cookie failed. */
const RETRY_MS = 30_000

export interface AssetAccess {
  readonly ready: Promise<void>
  dispose(): void
}

export function startAssetAccess(boardId: string, token: string): AssetAccess {
  let expiresAt = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let disposed = false
  let asking: Promise<void> | null = null

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer)
    if (!disposed) timer = setTimeout(() => void renew(), ms)
  }
  const renew = (): Promise<void> => {
    asking ??= requestAssetAccess(boardId, token)
      .then(
        (answer) => {
          expiresAt = answer.expiresAt
          schedule(Math.max(RETRY_MS, (answer.expiresAt - Date.now()) / 2))
        },
        () => schedule(RETRY_MS),
      )
      .finally(() => {
        asking = null
      })
    return asking
  }
  // Timers stall while a laptop sleeps: on return, renew when the cookie has less than half its life left.
  const renewIfStale = () => {
    if (document.visibilityState === 'visible' && Date.now() > expiresAt - 10 * 60_000) void renew()
  }
  document.addEventListener('visibilitychange', renewIfStale)
  window.addEventListener('online', renewIfStale)

  return {
    ready: renew(),
    dispose() {
      disposed = true
      if (timer) clearTimeout(timer)
      document.removeEventListener('visibilitychange', renewIfStale)
      window.removeEventListener('online', renewIfStale)
    },
  }
}
