/**
 * The history route group as the board page uses it (shared/api/history.ts): the timeline, the
 * board at a moment, and restoring a moment as a new board (facilitators).
 */
import { CreatedBoard } from '../../shared/api/boards'
import { HistoryMoment, HistoryTimeline, historyRoutes } from '../../shared/api/history'
import { apiRequest } from './apiRequest'

export function fetchHistoryTimeline(boardId: string, token: string): Promise<HistoryTimeline> {
  return apiRequest(historyRoutes.timeline(boardId), HistoryTimeline, { token })
}

export function fetchHistoryMoment(boardId: string, token: string, at: number): Promise<HistoryMoment> {
  return apiRequest(historyRoutes.at(boardId, at), HistoryMoment, { token })
}

export function restoreHistoryMoment(boardId: string, facilitatorToken: string, at: number): Promise<CreatedBoard> {
  return apiRequest(historyRoutes.restore(boardId), CreatedBoard, { method: 'POST', token: facilitatorToken, json: { at: Math.floor(at) } })
}
