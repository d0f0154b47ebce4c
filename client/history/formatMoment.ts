/**
 * How history names a moment: the date and the time to the second (steps can be seconds apart
 * during active work), in the person's own locale.
 */
const dateAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })

export function formatMoment(at: number): string {
  return dateAndTime.format(at)
}
