/**
 * How each kind of contribution looks: one accent colour per kind (from tldraw's own palette, so
 * cards sit calmly next to other shapes), the label article the UI needs ("an idea"), and the
 * colours an exported card is drawn with.
 */
import { CONTRIBUTION_KIND_INFO, type ContributionKind } from '../../shared/board/vocabulary'

export const KIND_ACCENT: Record<ContributionKind, string> = {
  understanding: '#4465e9',
  question: '#9c36b5',
  experience: '#099268',
  idea: '#d9730d',
  concern: '#e03131',
  synthesis: '#0c8599',
}

/** "Add an idea card", "Add a question card". */
export function addCardLabel(kind: ContributionKind): string {
  const label = CONTRIBUTION_KIND_INFO[kind].label.toLowerCase()
  return `Add ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label} card`
}

/** Literal colours for exports, which cannot read the page's CSS variables. */
export function exportColors(kind: ContributionKind, isDarkMode: boolean) {
  return isDarkMode
    ? { background: '#1d1d1f', border: '#3a3a3d', text: '#f2f2f2', muted: '#a0a0a6', accent: KIND_ACCENT[kind] }
    : { background: '#ffffff', border: '#dcdfe3', text: '#1d1d1d', muted: '#6b7075', accent: KIND_ACCENT[kind] }
}
