// Dashboard sessions ended before they expire (sign-out). Kept in the shared store, so a session
// signed out on one instance is refused by every instance at once.
export interface SessionRevocations {
  /** Refuses the session `sessionId` from now on; the record may be dropped after `expiresAtMs`. */
  revoke(sessionId: string, expiresAtMs: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}
