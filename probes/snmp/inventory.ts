import type { ProfileOutput } from '../profiles/types.js';

/** How often inventory tables (ENTITY-MIB chassis, …) are re-read when nothing suggests they changed. */
export const INVENTORY_EVERY_MS = 6 * 3_600_000;

/**
 * The last output of each inventory collector of one device (GenericCollector.inventory: identity from tables
 * that change when hardware or firmware does, not between polls), owned by the scheduler like CounterState.
 * LibreNMS and Zabbix read such tables hours apart; reading them every poll cost each switch and firewall one to
 * five extra round trips. They are read again after INVENTORY_EVERY_MS, when the agent restarted (sysUpTime went
 * back: a firmware upgrade reboots), and whenever the device got a fresh session (first poll, a reload that
 * changed host or credential, the poll after a failure), so identity is never older than the last outage.
 */
export class InventoryState {
  readonly outputs = new Map<string, ProfileOutput>();
  private readAt: number | undefined;
  private generation = -1;

  /** Whether this poll must re-read the inventory tables; marks the read as done when it says yes. */
  refresh(now: number, generation: number, freshSession: boolean): boolean {
    const due = freshSession || this.readAt === undefined || generation !== this.generation || now - this.readAt >= INVENTORY_EVERY_MS || now < this.readAt;
    if (due) {
      this.outputs.clear();
      this.readAt = now;
      this.generation = generation;
    }
    return due;
  }
}
