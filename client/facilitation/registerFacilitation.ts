/**
 * The editor side of facilitation, wired when the editor mounts: estimates the server clock,
 * publishes this person's role in awareness, makes a member's editor read-only while they may not
 * change the canvas (the board is locked, or the phase allows no adding, arranging or linking),
 * moves the camera when the facilitator summons everyone (and says so: SummonNotice.tsx), follows the spotlight (until this person
 * leaves it), and keeps locking and unlocking shapes to facilitators.
 *
 * The relay enforces what matters (members' writes while locked or outside what the phase allows,
 * any write to the control document by a non-facilitator); this only makes the UI say and do the same.
 */
import { Box, atom, isAtom, react, type Atom, type Editor, type TLShape } from 'tldraw'
import { FACILITATION_MAP, readSpotlight, readSummon, type SpotlightData, type SummonData } from '../../shared/board/facilitation'
import type { BoardContextValue } from '../board/boardContext'
import { ROLE_AWARENESS_FIELD, clockEstimatedAtom, serverClockAtom, spotlightLeftAtom, summonNoticeAtom } from './facilitationState'
import { fetchServerTime } from '../api/boardsApi'
import { startServerClock } from './serverClock'

export function registerFacilitation(editor: Editor, board: BoardContextValue): () => void {
  const { controlDoc, awareness, role } = board
  const map = controlDoc.getMap(FACILITATION_MAP)
  const myUserId = editor.user.getId()

  const clock = startServerClock({ fetchServerNow: fetchServerTime, onEstimate: () => clockEstimatedAtom.set(true) })
  clockEstimatedAtom.set(false)
  serverClockAtom.set(clock)

  queueMicrotask(() => awareness.setLocalStateField(ROLE_AWARENESS_FIELD, role))

  // A member's editor is read-only while they may not change the canvas (the relay holds their
  // canvas changes back then anyway); replies and reactions follow their own actions.
  let isRegistered = true
  const stopApplyingLock =
    role === 'member'
      ? react('facilitation.canvasReadonly', () => {
          const readonly = !board.permissions.mayWriteDoc('canvas')
          queueMicrotask(() => {
            if (!isRegistered || editor.getInstanceState().isReadonly === readonly) return
            if (readonly) editor.setEditingShape(null)
            setEditorMode(editor, readonly ? 'readonly' : 'readwrite')
          })
        })
      : () => {}

  // A summon written before this tab opened is history, not a request: only newer ones move the
  // camera. Before the control document has synced, the first one seen is taken as history.
  const isControlSynced = () => controlDoc.store.clients.size > 0
  let lastSummonSeq: number | null = isControlSynced() ? (readSummon(controlDoc)?.seq ?? 0) : null
  const applySummon = () => {
    const summon = readSummon(controlDoc)
    if (lastSummonSeq === null) {
      if (isControlSynced()) lastSummonSeq = summon?.seq ?? 0
      return
    }
    if (!summon || summon.seq <= lastSummonSeq) return
    lastSummonSeq = summon.seq
    if (summon.userId === myUserId) return
    goToSummon(editor, summon)
    const by = editor.getCollaborators().find((presence) => presence.userId === summon.userId)?.userName || 'The facilitator'
    summonNoticeAtom.set({ seq: summon.seq, by })
  }

  const spotlight = atom<SpotlightData | null>('facilitation.spotlight', readSpotlight(controlDoc))
  spotlightLeftAtom.set(false)

  const onControlChange = () => {
    applySummon()
    const next = readSpotlight(controlDoc)
    const previous = spotlight.get()
    if (next?.userId !== previous?.userId || next?.name !== previous?.name) spotlight.set(next)
  }
  map.observeDeep(onControlChange)

  // Following the spotlight: start when it is on and its leader's presence is here; stop when it
  // is released. Stopping to follow otherwise (the Leave button, panning, tldraw's people menu)
  // is leaving it: this person stays where they are until they rejoin.
  let spotlightUserId: string | null = null
  let wasFollowingSpotlight = false
  const stopFollowingSpotlight = react('facilitation.followSpotlight', () => {
    const current = spotlight.get()
    const followingUserId = editor.getInstanceState().followingUserId
    const hasLeft = spotlightLeftAtom.get()
    if ((current?.userId ?? null) !== spotlightUserId) {
      if (spotlightUserId && followingUserId === spotlightUserId) queueMicrotask(() => editor.stopFollowingUser())
      spotlightUserId = current?.userId ?? null
      wasFollowingSpotlight = false
      queueMicrotask(() => spotlightLeftAtom.set(false))
      if (!current) return
    }
    if (!current || current.userId === myUserId) return
    const isFollowing = followingUserId === current.userId
    if (wasFollowingSpotlight && !isFollowing) {
      wasFollowingSpotlight = false
      queueMicrotask(() => spotlightLeftAtom.set(true))
      return
    }
    wasFollowingSpotlight = isFollowing
    if (isFollowing || hasLeft) return
    if (!editor.getCollaborators().some((collaborator) => collaborator.userId === current.userId)) return
    queueMicrotask(() => {
      if (spotlight.get()?.userId === current.userId && !spotlightLeftAtom.get()) editor.startFollowingUser(current.userId)
    })
  })

  // Locking shapes is the facilitator's: others' lock and unlock (tldraw's menu, shift+L) is undone.
  const stopGuardingShapeLocks =
    role === 'facilitator'
      ? () => {}
      : editor.sideEffects.registerBeforeChangeHandler('shape', (previous: TLShape, next: TLShape, source) =>
          source === 'user' && previous.isLocked !== next.isLocked ? { ...next, isLocked: previous.isLocked } : next,
        )

  return () => {
    isRegistered = false
    map.unobserveDeep(onControlChange)
    stopApplyingLock()
    stopFollowingSpotlight()
    stopGuardingShapeLocks()
    clock.dispose()
    if (role === 'member') setEditorMode(editor, 'readwrite')
    if (serverClockAtom.get() === clock) serverClockAtom.set(null)
    awareness.setLocalStateField(ROLE_AWARENESS_FIELD, null)
  }
}

/**
 * The store's collaboration mode decides whether the editor is read-only (tldraw re-applies it to
 * the instance state on every change), so the lock sets the mode, not the instance state.
 */
function setEditorMode(editor: Editor, mode: 'readonly' | 'readwrite'): void {
  const signal = editor.store.props.collaboration?.mode
  if (signal && isAtom(signal)) (signal as Atom<'readonly' | 'readwrite'>).set(mode)
  else editor.updateInstanceState({ isReadonly: mode === 'readonly' })
}

/** Moves the camera to show what the facilitator shows (their page and viewport). */
function goToSummon(editor: Editor, summon: SummonData): void {
  if (editor.getInstanceState().followingUserId) editor.stopFollowingUser()
  const pageId = summon.pageId as ReturnType<Editor['getCurrentPageId']>
  if (editor.getPage(pageId) && editor.getCurrentPageId() !== pageId) editor.setCurrentPage(pageId)
  editor.zoomToBounds(new Box(summon.x, summon.y, summon.w, summon.h), { inset: 0, animation: { duration: 320 } })
}

/** "Bring everyone to me": publishes the facilitator's page and viewport. */
export function summonToMyView(editor: Editor, write: (summon: Omit<SummonData, 'seq'>) => void): void {
  const viewport = editor.getViewportPageBounds()
  write({ userId: editor.user.getId(), pageId: editor.getCurrentPageId(), x: viewport.x, y: viewport.y, w: viewport.w, h: viewport.h })
}
