import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { allowNavigation, allowPermission, CSP, isAppUrl, isTrustedSender, keyringVerdict, WEB_PREFERENCES, windowOpenDecision, type AppOrigin } from '../../electron/main/security';
import { STUDIO_EVENT_CHANNEL, STUDIO_IPC_CHANNEL } from '../../shared/api/index';

const fileApp: AppOrigin = { kind: 'file', base: 'file:///opt/studio/dist/renderer/' };
const devApp: AppOrigin = { kind: 'http', base: 'http://127.0.0.1:5173' };

describe('electron security decisions', () => {
  it('recognises the app', () => {
    expect(isAppUrl('file:///opt/studio/dist/renderer/index.html', fileApp)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', fileApp)).toBe(false);
    expect(isAppUrl('file:///opt/studio/dist/renderer/../../../etc/passwd', fileApp)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devApp)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/', devApp)).toBe(false);
    expect(isAppUrl('not a url', devApp)).toBe(false);
  });
  it('blocks navigation away from the app', () => {
    expect(allowNavigation('https://example.com', fileApp)).toBe(false);
    expect(allowNavigation('file:///opt/studio/dist/renderer/index.html', fileApp)).toBe(true);
  });
  it('denies every new window; http(s) may open externally', () => {
    expect(windowOpenDecision('https://docs.example')).toEqual({ action: 'deny', openExternal: true });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternal: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternal: false });
  });
  it('trusts only the main frame showing the app', () => {
    expect(isTrustedSender({ url: 'file:///opt/studio/dist/renderer/index.html', isMainFrame: true }, fileApp)).toBe(true);
    expect(isTrustedSender({ url: 'file:///opt/studio/dist/renderer/index.html', isMainFrame: false }, fileApp)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true }, fileApp)).toBe(false);
    expect(isTrustedSender(null, fileApp)).toBe(false);
  });
  it('refuses permissions, hardens web preferences and CSP', () => {
    expect(allowPermission('media')).toBe(false);
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
  });
  it('preload exposes only the bridge on the shared channels, never ipcRenderer', () => {
    const src = readFileSync('electron/preload/preload.ts', 'utf8');
    expect(src).toContain(`'${STUDIO_IPC_CHANNEL}'`);
    expect(src).toContain(`'${STUDIO_EVENT_CHANNEL}'`);
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(src.match(/exposeInMainWorld/g)?.length).toBe(1);
  });
});

describe('safeStorage backend', () => {
  it('accepts a real keyring on Linux and any backend elsewhere', () => {
    expect(keyringVerdict('linux', 'gnome_libsecret')).toEqual({ ok: true });
    expect(keyringVerdict('linux', 'kwallet6')).toEqual({ ok: true });
    expect(keyringVerdict('darwin', undefined)).toEqual({ ok: true });
  });
  it('refuses basic_text and unknown on Linux with a warning that names the backend', () => {
    expect(keyringVerdict('linux', 'basic_text')).toMatchObject({ ok: false, warning: expect.stringContaining('"basic_text"') });
    expect(keyringVerdict('linux', 'unknown')).toMatchObject({ ok: false });
  });
});
