/**
 * @module Waiting for a condition in tests and scripts: checks again and again, never for a fixed
 * time, so a loaded machine is slower but not wrong (the test runner's own limit is the guard).
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** Resolves with the first truthy value `check` returns. */
export async function waitUntil<T>(
  check: () => Promise<T> | T,
  everyMs = 25,
): Promise<NonNullable<T>> {
  for (;;) {
    const value = await check()
    if (value) return value as NonNullable<T>
    await sleep(everyMs)
  }
}
