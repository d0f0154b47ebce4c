/**
 * The colours people get on a board: the same twelve calm tones tldraw offers in its own people
 * menu, so a colour picked there is one of ours. The server gives each new person on a board the
 * colour fewest others there have, and accepts only these when someone changes theirs. On a tie
 * it goes through ASSIGNMENT_ORDER, each next colour the one farthest in hue from those before it
 * (orange, cyan, purple, green, …), so the first people on a board never get near-identical colours.
 */
export const PERSON_COLORS = [
  '#FF802B',
  '#EC5E41',
  '#F2555A',
  '#F04F88',
  '#E34BA9',
  '#BD54C6',
  '#9D5BD2',
  '#7B66DC',
  '#02B1CC',
  '#11B3A3',
  '#39B178',
  '#55B467',
] as const

/** The order new people get colours in: each next one far from those before it on the colour wheel. */
export const ASSIGNMENT_ORDER: readonly string[] = [
  '#FF802B',
  '#02B1CC',
  '#BD54C6',
  '#55B467',
  '#7B66DC',
  '#F04F88',
  '#9D5BD2',
  '#39B178',
  '#F2555A',
  '#E34BA9',
  '#11B3A3',
  '#EC5E41',
]

/** The palette colour `color` names (any case), or null when it is not one of ours. */
export function paletteColor(color: string): string | null {
  return PERSON_COLORS.find((candidate) => candidate.toLowerCase() === color.toLowerCase()) ?? null
}

/** The palette colour fewest of `taken` use (the earliest in ASSIGNMENT_ORDER on a tie). */
export function leastUsedColor(taken: readonly string[]): string {
  const counts = new Map<string, number>(ASSIGNMENT_ORDER.map((color) => [color, 0]))
  for (const color of taken) {
    const known = paletteColor(color)
    if (known) counts.set(known, (counts.get(known) ?? 0) + 1)
  }
  let best = ASSIGNMENT_ORDER[0]
  for (const color of ASSIGNMENT_ORDER) if ((counts.get(color) ?? 0) < (counts.get(best) ?? 0)) best = color
  return best
}
