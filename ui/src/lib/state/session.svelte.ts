import { api, ApiError, setUnauthorizedHandler } from '../api.js';
import { events } from '../events.svelte.js';
import type { WhoAmI } from '../types.js';

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

  async init(): Promise<void> {
    try {
      const h = await api.health();
      this.setupRequired = h.setupRequired;
      if (!h.setupRequired) this.user = await api.me().catch(() => null);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.ready = true;
    if (this.user) events.start();
  }

  async login(username: string, password: string): Promise<void> {
    this.user = await api.login(username, password);
    this.setupRequired = false;
    events.start();
  }

  async setup(code: string, username: string, password: string): Promise<void> {
    this.user = await api.setup(code, username, password);
    this.setupRequired = false;
    events.start();
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
    events.stop();
  }
}

export const session = new Session();
