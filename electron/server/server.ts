/**
 * Browser mode: serves dist/renderer and the StudioApi over a WebSocket at /api, bound to
 * 127.0.0.1 only. A random token is required on every HTTP request and on the upgrade (query
 * `?token=`, then an HttpOnly SameSite=Strict cookie set from it); every message is zod-validated
 * by the router.
 */
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from '../core/studio-service/router';
import type { Socket } from 'node:net';
import { checkRequest, safeDecode } from './security';
import { contentSecurityPolicy } from '../core/content-security-policy';

export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface ServeOptions {
  router: Router;
  staticDir: string;
  port?: number;
  token?: string;
  log?: (msg: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** Same policy as the Electron window, plus ws: to our own origin. */
export function browserCsp(port: number): string {
  return contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? (() => {});
  const root = path.resolve(opts.staticDir);
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`request ${req.method} ${JSON.stringify(req.url)} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error\n');
    });
  });
  server.on('clientError', (e, socket) => {
    log(`client error: ${e.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const verdict = checkRequest(
      { remoteAddress: req.socket.remoteAddress, host: req.headers.host, url: req.url ?? '/', cookie: req.headers.cookie, authorization: req.headers.authorization },
      token,
      port,
    );
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'text/plain' });
      res.end(`${STATUS_TEXT[verdict.status]}: ${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    };
    if (verdict.tokenFromQuery) headers['set-cookie'] = `ps_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    const urlPath = safeDecode(verdict.url.pathname);
    if (urlPath === null || urlPath.includes('\0')) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Bad Request: malformed path\n');
      return;
    }
    let file = path.resolve(root, `.${urlPath}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403);
      res.end();
      return;
    }
    try {
      const st = await fs.stat(file).catch(() => null);
      if (!st || st.isDirectory()) file = st?.isDirectory() && urlPath !== '/' ? path.join(file, 'index.html') : path.join(root, 'index.html');
      const body = await fs.readFile(file);
      const type = MIME[path.extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) headers['content-security-policy'] = browserCsp(port);
      res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found (did you run `npm run build:renderer`?)\n');
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    try {
      upgrade(req, socket as Socket, head);
    } catch (e) {
      log(`upgrade failed: ${e instanceof Error ? e.message : String(e)}`);
      socket.destroy();
    }
  });
  function upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', (e) => log(`socket error: ${e.message}`));
    const verdict = checkRequest(
      {
        remoteAddress: req.socket.remoteAddress,
        host: req.headers.host,
        url: req.url ?? '/',
        cookie: req.headers.cookie,
        authorization: req.headers.authorization,
        origin: req.headers.origin,
        upgrade: true,
      },
      token,
      port,
    );
    if (!verdict.ok || verdict.url.pathname !== '/api') {
      const status = verdict.ok ? 404 : verdict.status;
      socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = opts.router.subscribe((event) => {
      try {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      } catch (e) {
        log(`ws event failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    ws.on('message', async (data, isBinary) => {
      let raw: unknown;
      try {
        if (isBinary) throw new Error('binary');
        raw = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ kind: 'response', id: -1, ok: false, error: { code: 'bad_request', message: 'message is not JSON text' } }));
        return;
      }
      try {
        const response = await opts.router.dispatch(raw);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
      } catch (e) {
        log(`ws message failed: ${e instanceof Error ? e.message : String(e)}`);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'response', id: -1, ok: false, error: { code: 'internal', message: 'the request could not be answered' } }));
      }
    });
    ws.on('close', unsubscribe);
    ws.on('error', (e) => log(`ws error: ${e.message}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
