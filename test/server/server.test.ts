import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../electron/server/server';
import { checkRequest, isLoopbackAddress, isLoopbackHost, tokenFromRequest } from '../../electron/server/security';
import { createStudioService } from '../../electron/core/studio-service/service';
import type { Router } from '../../electron/core/studio-service/router';

const TOKEN = 'tok-0123456789abcdef';
let server: RunningServer;
let staticDir: string;

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
}

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-data-'));
  server = await startServer({ router: createStudioService({ dataDir, mode: 'test' }), staticDir, token: TOKEN });
});
afterAll(async () => {
  await server.close();
});

describe('browser-mode server', () => {
  it('binds to 127.0.0.1 and prints a URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('refuses a request without a token (401)', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('<title>');
  });

  it('refuses a wrong token (401)', async () => {
    expect((await get('/?token=nope')).status).toBe(401);
    expect((await get('/assets/x.js', { cookie: 'ps_token=nope' })).status).toBe(401);
  });

  it('refuses a non-loopback Host header (403, DNS rebinding)', async () => {
    expect((await get(`/?token=${TOKEN}`, { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('serves the app with the token, sets an HttpOnly cookie and a CSP', async () => {
    const res = await get(`/?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>t</title>');
    expect(String(res.headers['set-cookie'])).toMatch(/ps_token=.*HttpOnly; SameSite=Strict/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const withCookie = await get('/', { cookie: `ps_token=${TOKEN}` });
    expect(withCookie.status).toBe(200);
  });

  it('survives hostile requests: malformed cookie, path encoding and request target', async () => {
    expect((await get('/', { cookie: 'ps_token=%E0%A4%A' })).status).toBe(401);
    expect((await get(`/%E0%A4%A?token=${TOKEN}`)).status).toBe(400);
    expect((await get(`/a%00b?token=${TOKEN}`)).status).toBe(400);
    expect((await get('//')).status).toBe(400);
    await expect(connect(`ws://127.0.0.1:${server.port}/api`, { headers: { cookie: 'ps_token=%zz' } })).rejects.toThrow(/401/);
    expect((await get(`/?token=${TOKEN}`)).status).toBe(200);
  });

  it('does not serve files outside the static dir', async () => {
    const res = await get(`/../../etc/passwd?token=${TOKEN}`);
    expect(res.body).not.toContain('root:');
  });

  it('refuses a WebSocket upgrade without the token', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/api`)).rejects.toThrow(/401/);
  });

  it('refuses a cross-origin WebSocket upgrade', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers valid requests and rejects malformed messages', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, { origin: `http://127.0.0.1:${server.port}` });
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'app.info', params: {} }));
    const ok = await next(ws);
    expect(ok).toMatchObject({ kind: 'response', id: 1, ok: true, result: { mode: 'test' } });

    ws.send('not json');
    expect(await next(ws)).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    ws.send(JSON.stringify({ kind: 'request', id: 'x', method: 'app.info' }));
    expect(await next(ws)).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'fs.delete', params: {} }));
    expect(await next(ws)).toMatchObject({ id: 2, ok: false, error: { code: 'unknown_method' } });

    ws.send(JSON.stringify({ kind: 'request', id: 3, method: 'workspace.open', params: { path: 42 } }));
    expect(await next(ws)).toMatchObject({ id: 3, ok: false, error: { code: 'bad_request' } });

    ws.send(JSON.stringify({ kind: 'request', id: 4, method: 'workspace.open', params: { path: '/x', extra: true } }));
    expect(await next(ws)).toMatchObject({ id: 4, ok: false, error: { code: 'bad_request' } });
    ws.close();
  });
});

describe('a failing router', () => {
  it('answers internal and keeps serving when dispatch itself throws', async () => {
    const logs: string[] = [];
    const broken = { dispatch: async () => { throw new Error('boom'); }, subscribe: () => () => {} } as unknown as Router;
    const other = await startServer({ router: broken, staticDir, token: TOKEN, log: (m) => logs.push(m) });
    try {
      const ws = await connect(`ws://127.0.0.1:${other.port}/api?token=${TOKEN}`);
      ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'app.info', params: {} }));
      expect(await next(ws)).toMatchObject({ ok: false, error: { code: 'internal' } });
      ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'app.info', params: {} }));
      expect(await next(ws)).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(logs.some((l) => l.includes('boom'))).toBe(true);
      ws.close();
    } finally {
      await other.close();
    }
  });
});

describe('request checks (pure)', () => {
  const base = { remoteAddress: '127.0.0.1', host: '127.0.0.1:8000', url: `/?token=${TOKEN}` };
  it('accepts loopback with the token', () => {
    expect(checkRequest(base, TOKEN, 8000)).toMatchObject({ ok: true, tokenFromQuery: true });
    expect(checkRequest({ ...base, url: '/', cookie: `a=b; ps_token=${TOKEN}` }, TOKEN, 8000)).toMatchObject({ ok: true, tokenFromQuery: false });
  });
  it('refuses a non-loopback remote address', () => {
    expect(checkRequest({ ...base, remoteAddress: '192.168.1.20' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ ...base, remoteAddress: undefined }, TOKEN, 8000)).toMatchObject({ ok: false, status: 403 });
  });
  it('refuses a non-loopback or wrong-port Host', () => {
    expect(checkRequest({ ...base, host: 'attacker.com:8000' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ ...base, host: '127.0.0.1:9999' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 403 });
  });
  it('refuses missing and wrong tokens', () => {
    expect(checkRequest({ ...base, url: '/' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 401, reason: 'missing token' });
    expect(checkRequest({ ...base, url: '/?token=abc' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 401, reason: 'wrong token' });
  });
  it('refuses cross-origin upgrades', () => {
    expect(checkRequest({ ...base, upgrade: true, origin: 'http://evil.test' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ ...base, upgrade: true, origin: 'http://localhost:8000' }, TOKEN, 8000)).toMatchObject({ ok: true });
  });
  it('loopback helpers', () => {
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost:80', 80)).toBe(true);
    expect(isLoopbackHost('[::1]:8000', 8000)).toBe(true);
    expect(isLoopbackHost('127.0.0.1.evil.com:8000', 8000)).toBe(false);
    expect(tokenFromRequest('/', undefined, 'Bearer xyz')).toBe('xyz');
  });
  it('treats malformed encodings and request targets as refusals, never throws', () => {
    expect(tokenFromRequest('/', 'ps_token=%E0%A4%A')).toBeNull();
    expect(checkRequest({ ...base, url: '/', cookie: 'ps_token=%zz' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest({ ...base, url: '//' }, TOKEN, 8000)).toMatchObject({ ok: false, status: 400 });
  });
});
