/**
 * What the create-board form accepts, mirroring the server's limits from shared/board/docLayout.ts.
 */
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../../shared/board/docLayout'

export interface BoardFormValues {
  readonly title: string
  readonly problem: string
}

export type BoardFormErrors = Partial<Record<keyof BoardFormValues, string>>

export function validateBoardForm({ title, problem }: BoardFormValues): BoardFormErrors {
  const errors: BoardFormErrors = {}
  const trimmedTitle = title.trim()
  const trimmedProblem = problem.trim()
  if (!trimmedTitle) errors.title = 'Give the board a title.'
  else if (trimmedTitle.length > MAX_TITLE_LENGTH) errors.title = `Keep the title under ${MAX_TITLE_LENGTH} characters.`
  if (!trimmedProblem) errors.problem = 'Describe the problem the group will think about.'
  else if (trimmedProblem.length > MAX_PROBLEM_LENGTH) errors.problem = `Keep the problem statement under ${MAX_PROBLEM_LENGTH} characters.`
  return errors
}
