import type { Notification } from './types.js';

/** Shared human wording, so an alert reads the same in email, Slack and Teams. */
export function statusWord(n: Notification): string {
  return n.kind === 'resolved' ? 'RESOLVED' : n.kind === 'test' ? 'TEST' : 'FIRING';
}

/** `[FIRING] UpsOnBattery ups1 (acme-dental)`. */
export function title(n: Notification): string {
  const inst = n.alert.instance ? ` ${n.alert.instance}` : '';
  return `[${statusWord(n)}] ${n.alert.name} ${n.alert.device}${inst} (${n.site})`;
}

/** The facts a tech scans: what, where, how bad, since when. */
export function facts(n: Notification): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['Site', n.site],
    ['Device', `${n.alert.device} (${n.alert.class})`],
    ['Severity', n.alert.severity],
    ['Since', new Date(n.alert.startsAt).toISOString()],
  ];
  if (n.alert.instance) out.splice(2, 0, ['Instance', n.alert.instance]);
  if (n.kind === 'resolved') out.push(['Resolved', new Date(n.alert.endsAt ?? n.at).toISOString()]);
  return out;
}

export const severityColour = (n: Notification) => (n.kind === 'resolved' ? '#2eb886' : n.alert.severity === 'critical' ? '#d0021b' : '#f5a623');
