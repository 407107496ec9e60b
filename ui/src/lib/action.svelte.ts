/**
 * One user action at a time per component (ack, silence, add a window…): `busy` while it runs, its error
 * message in `error`. A second click while busy does nothing; buttons show `aria-disabled={busy}` rather than
 * `disabled`, because disabling the focused button would drop the keyboard focus to the page.
 */
export class Action {
  busy = $state(false);
  error = $state<string | null>(null);

  /** Runs `fn` unless an action is already running; true when it succeeded. */
  async run(fn: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await fn();
      return true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
