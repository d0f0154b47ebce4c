/**
 * The conversation panel, one of the dock's (Alt+Shift+C): the rail button's badge that says how
 * much is new, the panel's four tabs (Threads, What's new, Members, Find), and the button that
 * opens a selected card's or link's thread while the panel is closed.
 */
import { useRef, type KeyboardEvent } from 'react'
import { useValue } from 'tldraw'
import { isOpenThread, visibleReplyCount } from '../../shared/board/boardModel'
import { anchorForShape } from './anchors'
import { FindTab } from './FindTab'
import { useSnapshot } from './hooks'
import { MembersTab } from './MembersTab'
import { CONVERSATION_TAB_LABELS, CONVERSATION_TABS, useConversationPanelStore, useIsConversationOpen, type ConversationTab } from './panelStore'
import { activeSession, canvasFilter, type ConversationSession } from './session'
import { isFilterActive } from './canvasFilter'
import { ThreadsTab } from './ThreadsTab'
import { WhatsNewTab } from './WhatsNewTab'
import './conversation.css'

function describeSelectedThread(replies: number): string {
  return replies === 0 ? 'Start a thread' : `Open its thread (${replies} ${replies === 1 ? 'reply' : 'replies'})`
}

/** On the rail's Conversation button: how much is new, and whether a filter hides cards. */
export function ConversationBadge() {
  const session = useValue('conversation session', () => activeSession.get(), [])
  const unseen = useValue('unseen changes', () => session?.whatsNew.view.get().unseenCount ?? 0, [session])
  const filtering = useValue('filter active', () => isFilterActive(canvasFilter.get()), [])
  const isOpen = useIsConversationOpen()
  if (unseen > 0) {
    return (
      <span className="tt-dock__badge" data-testid="conversation-unseen">
        {unseen} new
      </span>
    )
  }
  return filtering && !isOpen ? <span className="tt-dock__badge">filtered</span> : null
}

/**
 * For a selected card or link while the panel is closed: a button that opens its thread, in the
 * status line's place at the top left of the canvas.
 */
export function SelectedThreadButton({ session }: { session: ConversationSession }) {
  const isOpen = useIsConversationOpen()
  const selectedAnchor = useValue('selected thread anchor', () => anchorForShape(session.editor.getOnlySelectedShape()), [session])
  const snapshot = useSnapshot(session)
  if (isOpen || !selectedAnchor) return null
  return (
    <button
      type="button"
      className="tt-conversation__selected-thread"
      onClick={() => useConversationPanelStore.getState().open('threads')}
      onPointerDown={(event) => event.stopPropagation()}
      data-testid="conversation-open-selected-thread"
    >
      {describeSelectedThread(visibleReplyCount(snapshot.threads.get(selectedAnchor) ?? null))}
    </button>
  )
}

/** The panel's body in the dock: four tabs, Threads, What's new, Members and Find. */
export function ConversationPanelBody() {
  const session = useValue('conversation session', () => activeSession.get(), [])
  return session ? <ConversationTabs session={session} /> : null
}

function ConversationTabs({ session }: { session: ConversationSession }) {
  const tab = useConversationPanelStore((state) => state.tab)
  const { setTab } = useConversationPanelStore.getState()
  const unseen = useValue('unseen changes', () => session.whatsNew.view.get().unseenCount, [session])
  const filtering = useValue('filter active', () => isFilterActive(canvasFilter.get()), [])
  const snapshot = useSnapshot(session)
  const openThreads = [...snapshot.threads.values()].filter(isOpenThread).length
  const tabRefs = useRef(new Map<ConversationTab, HTMLButtonElement>())

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = CONVERSATION_TABS.indexOf(tab)
    const next =
      event.key === 'ArrowRight'
        ? CONVERSATION_TABS[(at + 1) % CONVERSATION_TABS.length]
        : event.key === 'ArrowLeft'
          ? CONVERSATION_TABS[(at + CONVERSATION_TABS.length - 1) % CONVERSATION_TABS.length]
          : event.key === 'Home'
            ? CONVERSATION_TABS[0]
            : event.key === 'End'
              ? CONVERSATION_TABS[CONVERSATION_TABS.length - 1]
              : null
    if (!next) return
    event.preventDefault()
    setTab(next)
    tabRefs.current.get(next)?.focus()
  }

  const badge = (candidate: ConversationTab): string | null => {
    if (candidate === 'new' && unseen > 0) return String(unseen)
    if (candidate === 'threads' && openThreads > 0) return String(openThreads)
    if (candidate === 'find' && filtering) return 'on'
    return null
  }

  return (
    <div className="tt-conversation" data-testid="conversation-panel">
      <div className="tt-conversation__tabs" role="tablist" aria-label="Conversation">
        {CONVERSATION_TABS.map((candidate) => {
          const count = badge(candidate)
          return (
            <button
              key={candidate}
              ref={(element) => {
                if (element) tabRefs.current.set(candidate, element)
                else tabRefs.current.delete(candidate)
              }}
              type="button"
              role="tab"
              id={`tt-conversation-tab-${candidate}`}
              aria-selected={candidate === tab}
              aria-controls="tt-conversation-tabpanel"
              tabIndex={candidate === tab ? 0 : -1}
              className="tt-conversation__tab"
              onClick={() => setTab(candidate)}
              onKeyDown={onTabKeyDown}
              data-testid={`conversation-tab-${candidate}`}
              data-dock-autofocus={candidate === tab ? true : undefined}
            >
              {CONVERSATION_TAB_LABELS[candidate]}
              {count && <span className="tt-conversation__tab-count">{count}</span>}
            </button>
          )
        })}
      </div>
      <div
        id="tt-conversation-tabpanel"
        role="tabpanel"
        aria-labelledby={`tt-conversation-tab-${tab}`}
        className="tt-conversation__body"
        data-testid={`conversation-tabpanel-${tab}`}
      >
        {tab === 'threads' && <ThreadsTab session={session} />}
        {tab === 'new' && <WhatsNewTab session={session} />}
        {tab === 'members' && <MembersTab session={session} />}
        {tab === 'find' && <FindTab session={session} />}
      </div>
    </div>
  )
}
