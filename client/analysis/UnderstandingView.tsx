/**
 * "How my understanding moved", for one member (this person unless another is chosen): each of
 * their named cards with its text at reveal against its text now as a word diff (taken-out words
 * struck through, new words marked), the links others made to or from it, and the replies others
 * gave it. Each card can be shown on the canvas. Anonymous cards are in nobody's account.
 */
import { useId } from 'react'
import { cardLabel } from '../../shared/analysis/mapAnalysis'
import type { MapInput } from '../../shared/analysis/mapInput'
import { understandingOf, type MovedCard } from '../../shared/analysis/understanding'
import type { Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_KIND_INFO, LINK_TYPE_INFO } from '../../shared/board/vocabulary'
import type { ChooseResult } from './MapOverlay'
import { useMapPanelStore } from './mapPanelStore'

/** The members who can be chosen: those with a named card, then the board's other members; this person first. */
function choosableMembers(input: MapInput, me: Person): Array<{ id: string; name: string }> {
  const names = new Map<string, string>([[me.id, me.name]])
  for (const card of input.cards) if (card.authorId && card.authorName !== null && !names.has(card.authorId)) names.set(card.authorId, card.authorName)
  for (const member of input.members) if (!names.has(member.id)) names.set(member.id, member.name)
  return [...names].map(([id, name]) => ({ id, name: id === me.id ? `${name} (me)` : name }))
}

export function UnderstandingView({ input, me, chosen, choose }: { input: MapInput; me: Person; chosen: string | null; choose: ChooseResult }) {
  const memberId = useMapPanelStore((state) => state.memberId) ?? me.id
  const setMember = useMapPanelStore((state) => state.setMember)
  const selectId = useId()
  const members = choosableMembers(input, me)
  const moved = understandingOf(input, memberId)
  const isMe = memberId === me.id
  const name = members.find((member) => member.id === memberId)?.name.replace(/ \(me\)$/, '') ?? 'This member'

  return (
    <div className="tt-map__understanding" data-testid="map-understanding">
      <label className="tt-map__field" htmlFor={selectId}>
        <span>Whose understanding</span>
        <select
          id={selectId}
          value={memberId}
          data-testid="map-member"
          onChange={(event) => setMember(event.target.value === me.id ? null : event.target.value)}
        >
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name}
            </option>
          ))}
        </select>
      </label>
      <p className="tt-map__summary" data-testid="map-understanding-summary">
        {moved.cards.length === 0
          ? `${isMe ? 'You have' : `${name} has`} no contributions under ${isMe ? 'your' : 'their'} name yet.`
          : moved.revealedCount === 0
            ? `${moved.cards.length === 1 ? '1 contribution' : `${moved.cards.length} contributions`}, none revealed from a think-alone draft.`
            : `${moved.changedCount} of ${moved.revealedCount} ${moved.revealedCount === 1 ? 'card' : 'cards'} revealed from think-alone drafts ${moved.changedCount === 1 ? 'reads' : 'read'} differently now.`}
      </p>
      {moved.changedCount > 0 ? (
        <p className="tt-map__hint tt-map__diff">
          <ins>Marked</ins> words were added since the reveal; <del>struck</del> words were taken out.
        </p>
      ) : null}
      <ol className="tt-map__moved">
        {moved.cards.map((entry) => (
          <MovedCardView key={entry.card.id} entry={entry} input={input} chosen={chosen} choose={choose} />
        ))}
      </ol>
    </div>
  )
}

function MovedCardView({ entry, input, chosen, choose }: { entry: MovedCard; input: MapInput; chosen: string | null; choose: ChooseResult }) {
  const { card } = entry
  const key = `card:${card.id}`
  const cards = new Map(input.cards.map((c) => [c.id, c]))
  const end = (cardId: string) => (cardId === card.id ? 'this card' : cardLabel(cards.get(cardId)))
  return (
    <li className="tt-map__moved-card" data-testid="map-moved-card" data-card-id={card.id}>
      <div className="tt-map__moved-head">
        <span className="tt-map__kind">{CONTRIBUTION_KIND_INFO[card.kind].label}</span>
        <span className="tt-map__muted">
          {entry.diff === null ? 'placed on the board directly' : entry.changedSinceReveal ? 'changed since reveal' : 'as at reveal'}
        </span>
        <button type="button" className="tt-map__button" aria-pressed={chosen === key} onClick={() => choose(key, cardLabel(card), [card.id])}>
          Show
        </button>
      </div>
      {entry.diff === null ? (
        <p className="tt-map__text">{card.text || '(empty card)'}</p>
      ) : (
        <p className="tt-map__text tt-map__diff" data-testid="map-diff">
          {entry.diff.map((piece, i) =>
            piece.change === 'added' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one diff, in their order
              <ins key={i} title="added since reveal">
                {piece.text}
              </ins>
            ) : piece.change === 'removed' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one diff, in their order
              <del key={i} title="at reveal, taken out since">
                {piece.text}
              </del>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one diff, in their order
              <span key={i}>{piece.text}</span>
            ),
          )}
        </p>
      )}
      {entry.linksByOthers.length > 0 ? (
        <ul className="tt-map__responses" aria-label="Links others made" data-testid="map-moved-links">
          {entry.linksByOthers.map((link) => (
            <li key={link.id}>
              <strong>{link.createdByName ?? 'Someone'}</strong> linked {end(link.from)} <em>{LINK_TYPE_INFO[link.type].label}</em> {end(link.to)}
            </li>
          ))}
        </ul>
      ) : null}
      {entry.repliesByOthers.length > 0 ? (
        <ul className="tt-map__responses" aria-label="Replies from others" data-testid="map-moved-replies">
          {entry.repliesByOthers.map((reply) => (
            <li key={reply.id}>
              <strong>{reply.authorName}</strong>: {reply.text}
            </li>
          ))}
        </ul>
      ) : null}
      {entry.linksByOthers.length === 0 && entry.repliesByOthers.length === 0 ? <p className="tt-map__muted">No links or replies from others yet.</p> : null}
    </li>
  )
}
