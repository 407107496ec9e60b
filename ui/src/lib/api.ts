import type {
  Alert,
  AlertEvent,
  DeviceDetail,
  DeviceSummary,
  EffectiveRule,
  HealthReply,
  MaintenanceEntry,
  NewMaintenance,
  RuleOverride,
  RuleOverrideEntry,
  SeriesReply,
  SlaReport,
  WhoAmI,
} from './types.js';
import { SNAPSHOT_SEQ_HEADER } from '../../../server/schemas/events.js';

/** A non-2xx reply, with the server's own message (ErrorReply) so the UI can show it as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Called on every 401 so the session state can send the user back to the login page from any screen. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/**
 * A reply with the number of the last live event the server had published when it built it (SNAPSHOT_SEQ_HEADER,
 * `BOOT.SEQ`); null from a server or proxy that does not send it. ui/src/lib/snapshot.ts uses it.
 */
export interface Stamped<T> {
  data: T;
  stamp: Stamp | null;
}
export interface Stamp {
  boot: string;
  seq: number;
}

function parseStamp(v: string | null): Stamp | null {
  const m = v ? /^([0-9a-f]+)\.(\d+)$/.exec(v) : null;
  return m ? { boot: m[1]!, seq: Number(m[2]) } : null;
}

async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return (await request<T>(method, path, body)).data;
}

async function stamped<T>(path: string): Promise<Stamped<T>> {
  const { data, res } = await request<T>('GET', path);
  return { data, stamp: parseStamp(res.headers.get(SNAPSHOT_SEQ_HEADER)) };
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ data: T; res: Response }> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return { data: undefined as T, res };
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
    const msg = data && typeof data === 'object' && 'message' in data ? String((data as { message: unknown }).message) : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg);
  }
  return { data: data as T, res };
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};
const enc = encodeURIComponent;

export interface SeriesParams {
  measurement: string;
  field: string;
  from?: number;
  to?: number;
  /** One tag filter, `ifName=ge1`. */
  tag?: string;
}

/** The typed REST client: the only place in the UI that calls fetch (STYLE.md 13). */
export const api = {
  health: () => call<HealthReply>('GET', '/api/health'),
  me: () => call<WhoAmI>('GET', '/api/auth/me'),
  login: (username: string, password: string) => call<WhoAmI>('POST', '/api/auth/login', { username, password }),
  setup: (code: string, username: string, password: string) => call<WhoAmI>('POST', '/api/auth/setup', { code, username, password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  devices: () => stamped<DeviceSummary[]>('/api/devices'),
  device: (name: string) => call<DeviceDetail>('GET', `/api/devices/${enc(name)}`),
  series: (name: string, p: SeriesParams) => call<SeriesReply>('GET', `/api/devices/${enc(name)}/series${q({ ...p })}`),
  rules: (name: string) => call<EffectiveRule[]>('GET', `/api/devices/${enc(name)}/rules`),
  alerts: () => stamped<Alert[]>('/api/alerts'),
  alertHistory: (opts: { device?: string; limit?: number } = {}) => stamped<AlertEvent[]>(`/api/alerts/history${q(opts)}`),
  ack: (id: string, note: string) => call<Alert>('POST', `/api/alerts/${enc(id)}/ack`, { note }),
  silence: (id: string, until: number) => call<Alert>('POST', `/api/alerts/${enc(id)}/silence`, { until }),
  /** Config and dashboard overrides; only the dashboard's can be changed here (admin). */
  overrides: () => call<RuleOverrideEntry[]>('GET', '/api/rules/overrides'),
  setOverride: (o: RuleOverride) => call<RuleOverrideEntry>('PUT', '/api/rules/overrides', o),
  resetOverride: (key: Pick<RuleOverride, 'rule' | 'device' | 'class'>) => call<void>('DELETE', `/api/rules/overrides${q({ ...key })}`),
  maintenance: () => call<MaintenanceEntry[]>('GET', '/api/maintenance'),
  addMaintenance: (w: NewMaintenance) => call<MaintenanceEntry>('POST', '/api/maintenance', w),
  deleteMaintenance: (id: number) => call<void>('DELETE', `/api/maintenance/${id}`),
  sla: (month: string) => call<SlaReport>('GET', `/api/reports/sla${q({ month, format: 'json' })}`),
  /** Links (not fetches): the browser opens the printable page or downloads the CSV itself. */
  reportUrl: (kind: 'sla' | 'inventory' | 'firmware', format: 'html' | 'csv', month?: string) =>
    `/api/reports/${kind}${q({ ...(month ? { month } : {}), format })}`,
};
