/** A shared "now" that ticks every 5 s, so every "since 3m ago" on screen moves without one timer per row. */
class Clock {
  now = $state(Date.now());
  constructor() {
    setInterval(() => (this.now = Date.now()), 5000);
  }
}
export const clock = new Clock();
