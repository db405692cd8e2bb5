/**
 * The Electron shell: one window (contextIsolation, sandbox, no nodeIntegration, strict CSP), navigation and
 * new windows blocked, the StudioApi on ONE IPC channel with a sender check and zod validation (in the router).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { STUDIO_EVENT_CHANNEL, STUDIO_IPC_CHANNEL } from '../../shared/api/index';
import { resolveDataDir } from '../core/data-dir';
import { createStudioService, defaultTemplatesDir } from '../core/studio-service/service';
import { allowNavigation, allowPermission, CSP, isTrustedSender, WEB_PREFERENCES, windowOpenDecision, type AppOrigin } from './security';
import { createSafeStorageSecrets } from './secrets';
import { existsSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const devUrl = process.env.PIPELINE_STUDIO_DEV_URL;
const rendererIndex = path.resolve(here, '../renderer/index.html');
const appOrigin: AppOrigin = devUrl ? { kind: 'http', base: new URL(devUrl).origin } : { kind: 'file', base: pathToFileURL(path.dirname(rendererIndex)).href + '/' };

app.enableSandbox();

async function createWindow(): Promise<void> {
  const dataDir = resolveDataDir(process.env.PIPELINE_STUDIO_DATA_DIR ?? path.join(app.getPath('userData'), 'data'));
  const templatesDir = app.isPackaged ? path.join(process.resourcesPath, 'templates') : defaultTemplatesDir();
  // In development the Node-ABI better-sqlite3 in node_modules serves tests and the CLI; the window
  // loads the Electron-ABI build `npm start` made (packaged apps are rebuilt by electron-builder).
  const devBinding = path.resolve(here, '../native/electron/better_sqlite3.node');
  const nativeBinding = !app.isPackaged && existsSync(devBinding) ? devBinding : undefined;
  const router = createStudioService({ dataDir, mode: 'electron', templatesDir, secretStore: createSafeStorageSecrets(dataDir, (m) => console.error(m)), version: app.getVersion(), log: (m) => console.error(m), studio: { nativeBinding } });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Pipeline Studio',
    backgroundColor: '#0f1115',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: path.join(here, 'preload.cjs') },
  });
  win.once('ready-to-show', () => win.show());

  win.webContents.on('will-navigate', (e, url) => {
    if (!allowNavigation(url, appOrigin)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!allowNavigation(url, appOrigin)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    const d = windowOpenDecision(url);
    if (d.openExternal) void shell.openExternal(url);
    return { action: d.action };
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());

  ipcMain.handle(STUDIO_IPC_CHANNEL, async (event, raw: unknown) => {
    if (!isTrustedSender(event.senderFrame ? { url: event.senderFrame.url, isMainFrame: event.senderFrame === event.sender.mainFrame } : null, appOrigin)) {
      return { kind: 'response', id: -1, ok: false, error: { code: 'forbidden', message: 'untrusted sender' } };
    }
    return router.dispatch(raw);
  });
  const unsubscribe = router.subscribe((ev) => {
    if (!win.isDestroyed()) win.webContents.send(STUDIO_EVENT_CHANNEL, ev);
  });
  win.on('closed', () => {
    unsubscribe();
    ipcMain.removeHandler(STUDIO_IPC_CHANNEL);
    void router.close();
  });

  if (devUrl) await win.loadURL(devUrl);
  else await win.loadFile(rendererIndex);
}

app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (ev, url) => {
    if (!allowNavigation(url, appOrigin)) ev.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
