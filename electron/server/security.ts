/** Browser-mode request checks as pure functions: loopback only, token on every request and upgrade. */
import { timingSafeEqual } from 'node:crypto';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackAddress(addr: string | undefined): boolean {
  return !!addr && LOOPBACK_ADDRESSES.has(addr);
}

/** The Host header must name a loopback host (defeats DNS rebinding) on our port. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  if (!LOOPBACK_HOSTNAMES.has(m[1])) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

export function tokensEqual(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** decodeURIComponent that yields null on a malformed escape instead of throwing. */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The request target as a URL, or null when it does not parse (e.g. `//`). */
export function parseRequestUrl(url: string): URL | null {
  try {
    return new URL(url, 'http://x');
  } catch {
    return null;
  }
}

export function tokenFromRequest(url: string, cookieHeader: string | undefined, authHeader?: string): string | null {
  const q = parseRequestUrl(url)?.searchParams.get('token');
  if (q) return q;
  if (authHeader?.startsWith('Bearer ')) return authHeader.slice(7);
  for (const part of (cookieHeader ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'ps_token') return safeDecode(v.join('='));
  }
  return null;
}

export interface RequestFacts {
  remoteAddress: string | undefined;
  host: string | undefined;
  url: string;
  cookie?: string;
  authorization?: string;
  /** Present on WebSocket upgrades from browsers. */
  origin?: string;
  upgrade?: boolean;
}

export type Verdict = { ok: true; tokenFromQuery: boolean; url: URL } | { ok: false; status: 400 | 401 | 403; reason: string };

export function checkRequest(req: RequestFacts, expectedToken: string, port: number): Verdict {
  const url = parseRequestUrl(req.url);
  if (!url) return { ok: false, status: 400, reason: 'malformed request target' };
  if (!isLoopbackAddress(req.remoteAddress)) return { ok: false, status: 403, reason: 'non-loopback client' };
  if (!isLoopbackHost(req.host, port)) return { ok: false, status: 403, reason: 'non-loopback Host header' };
  if (req.upgrade && req.origin !== undefined) {
    let originOk = false;
    try {
      const o = new URL(req.origin);
      originOk = o.protocol === 'http:' && isLoopbackHost(o.host, port);
    } catch {
      originOk = false;
    }
    if (!originOk) return { ok: false, status: 403, reason: 'cross-origin WebSocket' };
  }
  const token = tokenFromRequest(req.url, req.cookie, req.authorization);
  if (!tokensEqual(token, expectedToken)) return { ok: false, status: 401, reason: token ? 'wrong token' : 'missing token' };
  return { ok: true, tokenFromQuery: url.searchParams.has('token'), url };
}
