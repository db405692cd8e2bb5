/** API keys encrypted with Electron safeStorage (OS keychain), stored as base64 in the data dir. */
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/studio-service/service';
import { keyringVerdict } from './security';

export function createSafeStorageSecrets(dataDir: string, log: (msg: string) => void = () => {}): SecretStore & { get(provider: string): string | null } {
  const file = path.join(dataDir, 'secrets.json');
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return {};
    }
  };
  let warned = false;
  const available = () => {
    if (!safeStorage.isEncryptionAvailable()) return false;
    // Only after the app is ready may the backend be asked for; it is checked on every use.
    const verdict = keyringVerdict(process.platform, process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined);
    if (!verdict.ok && !warned) {
      warned = true;
      log(verdict.warning);
    }
    return verdict.ok;
  };
  return {
    available,
    has: (provider) => Boolean(read()[provider]),
    get(provider) {
      const enc = read()[provider];
      return enc ? safeStorage.decryptString(Buffer.from(enc, 'base64')) : null;
    },
    set(provider, value) {
      const all = read();
      if (value) all[provider] = safeStorage.encryptString(value).toString('base64');
      else delete all[provider];
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
    },
  };
}
