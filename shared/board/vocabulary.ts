/**
 * The product's vocabulary for thinking together: the kinds of contribution a member can place,
 * the types of link between contributions, and the reactions a member can give. Labels are the
 * words the UI shows.
 */
export const CONTRIBUTION_KINDS = ['understanding', 'question', 'experience', 'idea', 'concern', 'synthesis'] as const
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number]

export const CONTRIBUTION_KIND_INFO: Record<ContributionKind, { label: string; hint: string; shortcut: string }> = {
  understanding: { label: 'Understanding', hint: 'How I see it', shortcut: '1' },
  question: { label: 'Question', hint: 'Something I want to understand', shortcut: '2' },
  experience: { label: 'Experience', hint: 'A case from my practice', shortcut: '3' },
  idea: { label: 'Idea', hint: 'Something we could try', shortcut: '4' },
  concern: { label: 'Concern', hint: 'Something that worries me', shortcut: '5' },
  synthesis: { label: 'Synthesis', hint: 'A shared understanding the group agrees on', shortcut: '6' },
}

export function isContributionKind(value: unknown): value is ContributionKind {
  return typeof value === 'string' && (CONTRIBUTION_KINDS as readonly string[]).includes(value)
}

export const LINK_TYPES = ['builds-on', 'leads-to', 'questions', 'contrasts-with', 'example-of'] as const
export type LinkType = (typeof LINK_TYPES)[number]

export const LINK_TYPE_INFO: Record<LinkType, { label: string }> = {
  'builds-on': { label: 'builds on' },
  'leads-to': { label: 'leads to' },
  questions: { label: 'questions' },
  'contrasts-with': { label: 'contrasts with' },
  'example-of': { label: 'example of' },
}

export function isLinkType(value: unknown): value is LinkType {
  return typeof value === 'string' && (LINK_TYPES as readonly string[]).includes(value)
}

export const REACTIONS = ['resonates', 'differs', 'tell-more'] as const
export type Reaction = (typeof REACTIONS)[number]

export const REACTION_INFO: Record<Reaction, { label: string; symbol: string }> = {
  resonates: { label: 'Resonates with me', symbol: '♥' },
  differs: { label: 'I see it differently', symbol: '⇄' },
  'tell-more': { label: 'Tell me more', symbol: '?' },
}

export function isReaction(value: unknown): value is Reaction {
  return typeof value === 'string' && (REACTIONS as readonly string[]).includes(value)
}

/** Limits on what members write. */
export const MAX_CARD_TEXT_LENGTH = 4000
export const MAX_REPLY_TEXT_LENGTH = 4000
export const MAX_PRACTICE_LENGTH = 120
