/**
 * The operator's board-creation secret (BOARD_CREATION_TOKEN), as this browser remembers it once
 * it has worked, so the people allowed to create boards type it once. Kept in localStorage of
 * this origin only; it is sent in the Authorization header, never in a URL.
 */
const SECRET_KEY = 'think-together:creation-secret'

export function readCreationSecret(): string {
  try {
    return localStorage.getItem(SECRET_KEY) ?? ''
  } catch {
    return ''
  }
}

export function rememberCreationSecret(secret: string): void {
  try {
    localStorage.setItem(SECRET_KEY, secret)
  } catch {
    // Storage unavailable: the secret is asked for again next time.
  }
}

export function forgetCreationSecret(): void {
  try {
    localStorage.removeItem(SECRET_KEY)
  } catch {
    // Nothing was remembered.
  }
}
