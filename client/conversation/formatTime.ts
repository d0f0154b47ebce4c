/**
 * How the conversation panels say when something happened: "just now", "5 min ago",
 * "yesterday", then a date; the exact time goes in a tooltip.
 */
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export function formatRelativeTime(at: number, now: number): string {
  const ago = now - at
  if (ago < 45_000) return 'just now'
  if (ago < HOUR) return relative.format(-Math.round(ago / MINUTE), 'minute')
  if (ago < DAY) return relative.format(-Math.round(ago / HOUR), 'hour')
  if (ago < 7 * DAY) return relative.format(-Math.round(ago / DAY), 'day')
  return dateOnly.format(at)
}

export function formatExactTime(at: number): string {
  return dateAndTime.format(at)
}
