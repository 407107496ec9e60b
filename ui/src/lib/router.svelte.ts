/** Client-side routes; server/app.ts answers every non-API GET with index.html so deep links work. */
export type Route =
  | { page: 'overview' }
  | { page: 'devices' }
  | { page: 'device'; name: string }
  | { page: 'alerts' }
  | { page: 'settings' }
  | { page: 'reports' }
  | { page: 'login' }
  | { page: 'setup' }
  | { page: 'notfound' };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  const [a, b] = parts;
  if (a === 'devices' && parts.length === 1) return { page: 'devices' };
  if (a === 'devices' && b && parts.length === 2) return { page: 'device', name: b };
  if (parts.length === 1 && (a === 'alerts' || a === 'settings' || a === 'reports' || a === 'login' || a === 'setup')) return { page: a };
  return { page: 'notfound' };
}

class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  route = $derived(parseRoute(this.path));

  constructor() {
    addEventListener('popstate', () => this.sync());
    // Plain <a href="/…"> links stay links (middle-click, keyboard, copy link) but navigate without a reload.
    document.addEventListener('click', (e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || a.pathname.startsWith('/api/')) return;
      e.preventDefault();
      this.go(a.pathname + a.search);
    });
  }

  go(to: string, replace = false): void {
    if (to === location.pathname + location.search) return;
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.sync();
    if (!replace) scrollTo(0, 0);
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}

export const router = new Router();
