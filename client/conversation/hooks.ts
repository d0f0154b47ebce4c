/**
 * React access to the conversation session (session.ts) for the panels.
 */
import { useEffect, useState } from 'react'
import { useValue } from 'tldraw'
import type { ConversationSnapshot } from './conversationIndex'
import type { ConversationSession } from './session'

export function useSnapshot(session: ConversationSession): ConversationSnapshot {
  return useValue('conversation snapshot', () => session.index.snapshot.get(), [session])
}

/** The current time, refreshed every interval, for "5 min ago" labels. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
