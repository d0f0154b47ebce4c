/**
 * The last client settings the server sent (GET /api/config), kept so a board can open offline.
 */
import { ClientConfig } from '../../shared/api/boards'

const CONFIG_KEY = 'think-together:config'

export function rememberConfig(config: ClientConfig): void {
  try {
    localStorage.setItem(CONFIG_KEY, JSON.stringify(config))
  } catch {
    // Storage unavailable: the board still opens online.
  }
}

export function readRememberedConfig(): ClientConfig | null {
  try {
    const raw = localStorage.getItem(CONFIG_KEY)
    if (!raw) return null
    const parsed = ClientConfig.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
