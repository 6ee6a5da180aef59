/**
 * Waits for a state, not for a time: polls `check` until it holds. The test's
 * own timeout (a hang detector) is the only bound, so a busy machine makes a
 * test slower, never red.
 */
export async function until(check: () => boolean | Promise<boolean>, intervalMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, intervalMs));
}
