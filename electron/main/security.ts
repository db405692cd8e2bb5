import { contentSecurityPolicy } from '../core/content-security-policy';
/** Security decisions for the Electron shell as pure functions (wired to Electron in main.ts, tested in test/). */

/** The renderer's origin: file:// (packaged) or the Vite dev server on loopback. */
export interface AppOrigin {
  kind: 'file' | 'http';
  /** For 'file': the absolute file URL of index.html's directory (ends with '/'); for 'http': the origin. */
  base: string;
}

export function isAppUrl(url: string, app: AppOrigin): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (app.kind === 'file') return u.protocol === 'file:' && `file://${u.pathname}`.startsWith(app.base);
  return u.origin === app.base && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
}

/** In-app navigation is refused except to the app itself (reload). */
export function allowNavigation(url: string, app: AppOrigin): boolean {
  return isAppUrl(url, app);
}

/** New windows are always refused; http(s) links may be opened in the system browser instead. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternal: boolean } {
  let external = false;
  try {
    const u = new URL(url);
    external = u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    external = false;
  }
  return { action: 'deny', openExternal: external };
}

/** Only the main frame of our window, showing our app, may call the API. */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null | undefined, app: AppOrigin): boolean {
  return !!frame && frame.isMainFrame && isAppUrl(frame.url, app);
}

/** Permission requests (camera, notifications, ...) are all refused. */
export function allowPermission(_permission: string): boolean {
  return false;
}

export const CSP = contentSecurityPolicy();

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

/**
 * Whether safeStorage encrypts with a real keyring. On Linux it may fall back to `basic_text` (a
 * fixed key) while still reporting encryption as available; keys are then not stored at all.
 */
export function keyringVerdict(platform: string, backend: string | undefined): { ok: true } | { ok: false; warning: string } {
  if (platform !== 'linux') return { ok: true };
  if (backend && backend !== 'basic_text' && backend !== 'unknown') return { ok: true };
  return {
    ok: false,
    warning: `safeStorage uses the "${backend ?? 'unknown'}" backend, not a keyring (install and unlock gnome-keyring or KWallet); API keys are not stored, set them in the environment`,
  };
}
