import { api, ApiError, setUnauthorizedHandler } from '../api.js';
import { events } from '../events.svelte.js';
import type { WhoAmI } from '../types.js';
import { alerts } from './alerts.svelte.js';
import { devices } from './devices.svelte.js';
import { health } from './health.svelte.js';

/**
 * The session cookie is HttpOnly, so the page cannot see it. This flag remembers that the browser had a session
 * last time: only then is start-up worth racing (me + data at once). Logged-out visitors never set it, so they
 * make no request that would 401.
 */
const RESUME_KEY = 'outpost.session';
const storage = (): Storage | null => {
  try {
    return localStorage;
  } catch {
    return null; // storage disabled: start-up simply stays sequential
  }
};

/**
 * Who is logged in. `ready` turns true once we know whether to show the app, the login page or the first-run
 * setup page; the live stream runs only while someone is logged in (it needs the session cookie).
 */
class Session {
  user = $state<WhoAmI | null>(null);
  setupRequired = $state(false);
  ready = $state(false);
  error = $state<string | null>(null);

  constructor() {
    setUnauthorizedHandler(() => this.expire());
  }

  /** True when this browser was logged in last time, so /api/auth/me is likely to succeed. */
  get resumable(): boolean {
    return storage()?.getItem(RESUME_KEY) === '1';
  }

  async init(): Promise<void> {
    // A returning user's /api/auth/me runs alongside /api/health (and App's device list) rather than after it.
    const early = this.resumable ? api.me().catch(() => null) : null;
    try {
      const h = await api.health();
      this.setupRequired = h.setupRequired;
      if (!h.setupRequired) {
        const user = await (early ?? api.me().catch(() => null));
        // The pages show this same reply (it is public): a resumed session needs no second /api/health.
        // Seeded before `user` is set, so the effects that run on login find it. A login from the form
        // comes later and fetches a fresh one.
        if (user) health.seed(h);
        this.user = user;
      }
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.remember(this.user !== null);
    this.ready = true;
    if (this.user) events.start();
  }

  async login(username: string, password: string): Promise<void> {
    this.user = await api.login(username, password);
    this.setupRequired = false;
    this.remember(true);
    events.start();
  }

  async setup(code: string, username: string, password: string): Promise<void> {
    this.user = await api.setup(code, username, password);
    this.setupRequired = false;
    this.remember(true);
    events.start();
  }

  private remember(on: boolean): void {
    if (on) storage()?.setItem(RESUME_KEY, '1');
    else storage()?.removeItem(RESUME_KEY);
  }

  async logout(): Promise<void> {
    await api.logout().catch((e: unknown) => {
      if (!(e instanceof ApiError)) throw e;
    });
    this.expire();
  }

  /** Techs and admins may acknowledge and silence; viewers only look. */
  get canAct(): boolean {
    return this.user?.role === 'tech' || this.user?.role === 'admin';
  }

  /** Thresholds change who gets paged for what: admins only. */
  get isAdmin(): boolean {
    return this.user?.role === 'admin';
  }

  private expire(): void {
    this.user = null;
    this.remember(false);
    events.stop();
    // Without the stream nothing keeps these current; the next login must fetch afresh, not reuse them.
    devices.reset();
    alerts.reset();
    health.reset();
  }
}

export const session = new Session();
