/**
 * The answers of shared/board/whatsNew.ts (changesSince) and shared/board/boardModel.ts
 * (memberActivity), computed from the conversation index's snapshot instead of the document:
 * the snapshot already holds every card, thread and link read once, so these take a millisecond
 * on a board where reading the document again takes a hundred. The same rules, kept equal to the
 * shared functions by tests/unit/conversationWhatsNew.test.ts.
 */
import type { MemberActivity } from '../../shared/board/boardModel'
import type { ChangeItem } from '../../shared/board/whatsNew'
import type { ConversationSnapshot } from './conversationIndex'

export function changesFromSnapshot(snapshot: ConversationSnapshot, since: number, myId: string): ChangeItem[] {
  const items: ChangeItem[] = []
  for (const card of snapshot.cards.values()) {
    if (card.updatedAt <= since) continue
    const byMe = card.lastEditor ? card.lastEditor.id === myId : card.author?.id === myId
    if (byMe) continue
    const added = card.createdAt > since
    items.push({
      key: `${card.id}@${card.updatedAt}`,
      kind: 'card',
      targetId: card.id,
      change: added ? 'added' : 'changed',
      at: card.updatedAt,
      by: added ? card.author : (card.lastEditor ?? card.author),
      text: card.text,
    })
  }
  for (const [id, link] of snapshot.links) {
    if (link.updatedAt <= since || link.updatedBy?.id === myId) continue
    items.push({
      key: `${id}@${link.updatedAt}`,
      kind: 'link',
      targetId: id,
      change: link.createdAt > since ? 'added' : 'changed',
      at: link.updatedAt,
      by: link.updatedBy,
      text: link.linkType,
    })
  }
  for (const thread of snapshot.threads.values()) {
    for (const reply of thread.replies) {
      const at = reply.editedAt ?? reply.createdAt
      if (at <= since || reply.author.id === myId || reply.deleted) continue
      items.push({
        key: `${reply.id}@${at}`,
        kind: 'reply',
        targetId: thread.anchorId,
        change: reply.createdAt > since ? 'added' : 'changed',
        at,
        by: reply.author,
        text: reply.text,
      })
    }
  }
  return items.sort((a, b) => a.at - b.at)
}

export function activityFromSnapshot(snapshot: ConversationSnapshot): Map<string, MemberActivity> {
  const activity = new Map<string, MemberActivity>()
  const entry = (id: string) => {
    let value = activity.get(id)
    if (!value) activity.set(id, (value = { contributions: 0, responses: 0 }))
    return value
  }
  for (const card of snapshot.cards.values()) if (card.author) entry(card.author.id).contributions++
  const authorOf = (anchorId: string) => snapshot.cards.get(anchorId)?.author?.id ?? null
  for (const thread of snapshot.threads.values()) {
    const anchorAuthor = authorOf(thread.anchorId)
    for (const reply of thread.replies) if (!reply.deleted && reply.author.id !== anchorAuthor) entry(reply.author.id).responses++
  }
  for (const [cardId, giverIds] of snapshot.reactionGivers) {
    const anchorAuthor = authorOf(cardId)
    for (const giverId of giverIds) if (giverId !== anchorAuthor) entry(giverId).responses++
  }
  return activity
}
