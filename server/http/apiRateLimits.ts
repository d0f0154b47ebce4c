/**
 * The one rate-limit policy of the HTTP API, applied by httpServer.ts to every /api request before
 * any route sees it. Every request spends from its client address's general budget
 * (API_REQUESTS_PER_ADDRESS_PER_MINUTE); creating a board, uploading a file and joining as a new
 * person also spend from a tighter budget of their own. A request over a budget is answered 429
 * with `Retry-After` and a sentence saying which budget ran out. The client address is the one
 * TRUST_PROXY defines (clientAddress.ts); IPv6 addresses count per /64, the block one customer
 * usually holds, so rotating through one's own addresses does not buy a fresh budget.
 */
import { isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'
import { KeyedRateLimit } from './rateLimits'

export interface ApiRateLimitConfig {
  requestsPerMinute: number
  boardsPerHour: number
  uploadsPerHour: number
  peoplePerHour: number
}

/** The budget a request spends on top of the general one, by what it does. */
export type SpecialBudget = 'create-board' | 'upload' | 'join'

export type RateDecision =
  | { allowed: true }
  | {
      allowed: false
      budget: 'api' | SpecialBudget
      retryAfterSeconds: number
      message: string
      /** True for the first refusal of this address and budget in a minute: a flood is logged once, not per request. */
      worthLogging: boolean
    }

const HOUR_MS = 3_600_000

const MESSAGES: Record<'api' | SpecialBudget, string> = {
  api: 'Too many requests from this address just now; try again in a little while.',
  'create-board': 'Too many boards were created from this address in the last hour; try again later.',
  upload: 'Too many files were uploaded from this address in the last hour; try again later.',
  join: 'Too many people joined from this address just now; try again in a little while.',
}

/** Which tighter budget a request spends, from its method and path (null: the general one only). */
export function specialBudgetOf(method: string | undefined, pathname: string): SpecialBudget | null {
  if (method !== 'POST') return null
  const parts = pathname.split('/').filter(Boolean)
  if (parts[0] !== 'api' || parts[1] !== 'boards') return null
  // POST /api/boards and POST /api/boards/import make boards.
  if (parts.length === 2 || (parts.length === 3 && parts[2] === 'import')) return 'create-board'
  if (parts.length === 4 && parts[3] === 'assets') return 'upload'
  if (parts.length === 4 && parts[3] === 'people') return 'join'
  return null
}

/** The key an address is counted under: itself for IPv4, its /64 for IPv6. */
export function rateKeyOf(address: string): string {
  if (isIP(address) !== 6) return address
  const [head, tail = ''] = address.toLowerCase().split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = address.includes('::') ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`
}

export class ApiRateLimits {
  private readonly general: KeyedRateLimit
  private readonly special: Record<SpecialBudget, KeyedRateLimit>
  private readonly refusalLog: KeyedRateLimit

  constructor(
    config: ApiRateLimitConfig,
    private readonly addressOf: (req: IncomingMessage) => string,
    now?: () => number,
  ) {
    this.general = new KeyedRateLimit({ capacity: config.requestsPerMinute, windowMs: 60_000, now })
    this.special = {
      'create-board': new KeyedRateLimit({ capacity: config.boardsPerHour, windowMs: HOUR_MS, now }),
      upload: new KeyedRateLimit({ capacity: config.uploadsPerHour, windowMs: HOUR_MS, now }),
      join: new KeyedRateLimit({ capacity: config.peoplePerHour, windowMs: HOUR_MS, now }),
    }
    this.refusalLog = new KeyedRateLimit({ capacity: 1, windowMs: 60_000, now })
  }

  /** Spends what `req` costs from its address's budgets. */
  admit(req: IncomingMessage, pathname: string): RateDecision & { address: string } {
    const address = this.addressOf(req)
    const key = rateKeyOf(address)
    const generalWait = this.general.take(key)
    if (generalWait > 0) return this.refusal('api', key, generalWait, address)
    const budget = specialBudgetOf(req.method, pathname)
    if (budget === null) return { allowed: true, address }
    const wait = this.special[budget].take(key)
    if (wait > 0) return this.refusal(budget, key, wait, address)
    return { allowed: true, address }
  }

  private refusal(budget: 'api' | SpecialBudget, key: string, retryAfterSeconds: number, address: string): RateDecision & { address: string } {
    const worthLogging = this.refusalLog.take(`${budget} ${key}`) === 0
    return { allowed: false, budget, retryAfterSeconds, message: MESSAGES[budget], worthLogging, address }
  }
}
