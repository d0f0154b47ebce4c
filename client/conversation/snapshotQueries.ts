/**
 * The shared rules of "what's new" (changesAmong) and member activity (activityAmong), applied to
 * the conversation index's snapshot instead of the document: the snapshot already holds every
 * card, thread and link read once, so these take a millisecond on a board where reading the
 * document again takes a hundred.
 */
import { activityAmong, type MemberActivity } from '../../shared/board/boardModel'
import { changesAmong, type ChangeItem } from '../../shared/board/whatsNew'
import type { ConversationSnapshot } from './conversationIndex'

export function changesFromSnapshot(snapshot: ConversationSnapshot, since: number, myId: string): ChangeItem[] {
  return changesAmong({ cards: snapshot.cards.values(), links: snapshot.links, threads: snapshot.threads.values() }, since, myId)
}

export function activityFromSnapshot(snapshot: ConversationSnapshot): Map<string, MemberActivity> {
  return activityAmong({ cards: snapshot.cards.values(), threads: snapshot.threads.values(), reactionGivers: snapshot.reactionGivers })
}
