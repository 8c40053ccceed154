/**
 * @module The pinned clock of the collector contract: collectors, their HTTP clients and the
 * fake platforms' payloads all read this instant, so no test depends on when (or how fast) it runs.
 */

/** "Now" for every contract test: Friday 20 Nov 2026, 03:00 UTC. */
export const CONTRACT_NOW = new Date('2026-11-20T03:00:00Z')

/** An ISO time `minutes` before {@link CONTRACT_NOW}, for fake payloads. */
export function minutesBeforeContractNow(minutes: number): Date {
  return new Date(CONTRACT_NOW.getTime() - minutes * 60_000)
}
