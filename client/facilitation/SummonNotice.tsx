/**
 * The notice "bring everyone to me" leaves on screens: a member whose view just moved reads who
 * moved it ("Fay brought everyone to their view"), the facilitator reads that everyone's view now
 * follows theirs. A polite live region above the card palette, gone after a few seconds or on its
 * close button.
 */
import { useEffect, useState } from 'react'
import { useValue } from 'tldraw'
import { summonNoticeAtom } from './facilitationState'

/** How long the notice stays, in ms. */
const NOTICE_MS = 6000

export function SummonNotice() {
  const notice = useValue('summon notice', () => summonNoticeAtom.get(), [])
  const [hiddenSeq, setHiddenSeq] = useState<number | null>(null)
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => setHiddenSeq(notice.seq), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice])
  const shown = notice && notice.seq !== hiddenSeq ? notice : null
  return (
    <div className="tt-summon-notice-region" role="status" aria-live="polite">
      {shown && (
        <p className="tt-summon-notice" data-testid="summon-notice">
          {shown.by === null ? 'Everyone’s view moved to yours.' : `${shown.by} brought everyone to their view.`}
          <button type="button" className="tt-summon-notice__close" aria-label="Dismiss" title="Dismiss" onClick={() => setHiddenSeq(shown.seq)}>
            ×
          </button>
        </p>
      )}
    </div>
  )
}
