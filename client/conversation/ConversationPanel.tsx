/**
 * The conversation side panel, on the left below tldraw's menu: a toggle button (Alt+Shift+C)
 * that says how much is new, and a panel with four tabs: Threads, What's new, Members, Find.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react'
import { useValue } from 'tldraw'
import { isOpenThread, visibleReplyCount } from '../../shared/board/boardModel'
import { anchorForShape } from './anchors'
import { FindTab } from './FindTab'
import { useSnapshot } from './hooks'
import { MembersTab } from './MembersTab'
import {
  CONVERSATION_SHORTCUT,
  CONVERSATION_TAB_LABELS,
  CONVERSATION_TABS,
  useConversationPanelStore,
  type ConversationTab,
} from './panelStore'
import { canvasFilter, type ConversationSession } from './session'
import { isFilterActive } from './canvasFilter'
import { ThreadsTab } from './ThreadsTab'
import { WhatsNewTab } from './WhatsNewTab'
import './conversation.css'

function describeSelectedThread(replies: number): string {
  return replies === 0 ? 'Start a thread' : `Open its thread (${replies} ${replies === 1 ? 'reply' : 'replies'})`
}

export function ConversationPanel({ session }: { session: ConversationSession }) {
  const isOpen = useConversationPanelStore((state) => state.isOpen)
  const tab = useConversationPanelStore((state) => state.tab)
  const { toggle, setTab, open } = useConversationPanelStore.getState()
  const selectedAnchor = useValue('selected thread anchor', () => anchorForShape(session.editor.getOnlySelectedShape()), [session])
  const unseen = useValue('unseen changes', () => session.whatsNew.view.get().unseenCount, [session])
  const filtering = useValue('filter active', () => isFilterActive(canvasFilter.get()), [])
  const snapshot = useSnapshot(session)
  const openThreads = [...snapshot.threads.values()].filter(isOpenThread).length
  const tabRefs = useRef(new Map<ConversationTab, HTMLButtonElement>())
  const panelId = 'tt-conversation-panel'

  // When the panel opens from the shortcut, put the keyboard in it.
  const wasOpen = useRef(isOpen)
  useEffect(() => {
    if (isOpen && !wasOpen.current) tabRefs.current.get(useConversationPanelStore.getState().tab)?.focus()
    wasOpen.current = isOpen
  }, [isOpen])

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = CONVERSATION_TABS.indexOf(tab)
    const next =
      event.key === 'ArrowRight' ? CONVERSATION_TABS[(at + 1) % CONVERSATION_TABS.length]
      : event.key === 'ArrowLeft' ? CONVERSATION_TABS[(at + CONVERSATION_TABS.length - 1) % CONVERSATION_TABS.length]
      : event.key === 'Home' ? CONVERSATION_TABS[0]
      : event.key === 'End' ? CONVERSATION_TABS[CONVERSATION_TABS.length - 1]
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
    <div className="tt-conversation" data-conversation-panel={isOpen ? 'open' : 'closed'}>
      <div className="tt-conversation__bar">
        <button
          type="button"
          className="tt-conversation__toggle"
          aria-expanded={isOpen}
          aria-controls={panelId}
          aria-keyshortcuts={CONVERSATION_SHORTCUT}
          title={`${isOpen ? 'Hide' : 'Show'} threads, what’s new, members and find (${CONVERSATION_SHORTCUT})`}
          onClick={toggle}
          data-testid="conversation-toggle"
        >
          <span>Conversation</span>
          {unseen > 0 && (
            <span className="tt-conversation__badge" data-testid="conversation-unseen">
              {unseen} new
            </span>
          )}
          {filtering && !isOpen && <span className="tt-conversation__badge tt-conversation__badge--muted">filtered</span>}
        </button>
        {!isOpen && selectedAnchor && (
          <button type="button" className="tt-conversation__toggle" onClick={() => open('threads')} data-testid="conversation-open-selected-thread">
            {describeSelectedThread(visibleReplyCount(snapshot.threads.get(selectedAnchor) ?? null))}
          </button>
        )}
      </div>
      {isOpen && (
        <section id={panelId} className="tt-conversation__panel" aria-label="Conversation" data-testid="conversation-panel">
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
                  aria-controls={`tt-conversation-tabpanel`}
                  tabIndex={candidate === tab ? 0 : -1}
                  className="tt-conversation__tab"
                  onClick={() => setTab(candidate)}
                  onKeyDown={onTabKeyDown}
                  data-testid={`conversation-tab-${candidate}`}
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
        </section>
      )}
    </div>
  )
}
