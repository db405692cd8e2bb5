/** StudioApi methods implemented on plain Node: files, workspace, templates, layout, validation, secrets. */
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layoutFileSchema, StudioApiError, type LayoutFile, type RecentFile, type TemplateSummary } from '../../../shared/api/index';
import { createRouter, type Handlers, type Router } from './router';
import { validateText } from './validate';
import { Studio, type StudioOptions } from '../studio';
import { PROVIDER_PREFS_FILE, providerSettingsFrom, readProviderPrefs, type ProviderPrefs, type ProviderSettings } from '../providers/provider-settings';
import { createPriceHandlers } from './prices';
import { createProviderHandlers } from './providers';
import { createRunHandlers } from './run';
import { createRuntimeHandlers } from './runtime';
import { createTuningHandlers } from './tuning';
import { checkWriteTarget, readUserFile, UserFileError } from '../user-file';
import { YAML_LIMITS, parseYamlValue } from '../../../shared/yaml/bounds';

const MAX_LAYOUT_BYTES = 16 * 1024 * 1024;

/** UserFileError (a special or too large file named through the API) as a forbidden answer with its message. */
async function forbidSpecial<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UserFileError) throw new StudioApiError('forbidden', err.message);
    throw err;
  }
}

export interface SecretStore {
  /** True when secrets can be stored (Electron safeStorage available). */
  available(): boolean;
  has(provider: string): boolean;
  set(provider: string, value: string): void;
  /** The stored key (host side only; never sent to the renderer). */
  get?(provider: string): string | null;
}

export interface StudioServiceOptions {
  dataDir: string;
  mode: 'electron' | 'browser' | 'cli' | 'test';
  templatesDir?: string;
  secretStore?: SecretStore;
  env?: NodeJS.ProcessEnv;
  version?: string;
  homeDir?: string;
  log?: (msg: string) => void;
  /** Overrides for the Studio the service opens (tests: small pools, fixed providers). */
  studio?: Partial<Omit<StudioOptions, 'dataDir'>>;
}

export type StudioService = Router & {
  /** The service's one Studio, opened on first use. */
  studio(): Promise<Studio>;
  close(): Promise<void>;
};

const MAX_RECENT = 12;
const PROVIDER_ENV: Record<string, string> = { anthropic: 'ANTHROPIC_API_KEY', gemini: 'GEMINI_API_KEY', openai: 'OPENAI_API_KEY' };

/** templates/ next to the repo (dev, tsx) or beside the bundle (dist/electron/main.js -> ../../templates). */
export function defaultTemplatesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../templates'), path.resolve(here, '../../templates'), path.resolve(process.cwd(), 'templates')];
  return candidates.find((c) => existsSync(path.join(c, 'index.json'))) ?? candidates[0];
}

export function layoutPathFor(workflowPath: string): string {
  const ext = path.extname(workflowPath);
  const base = ext ? workflowPath.slice(0, -ext.length) : workflowPath;
  return `${base}.layout.json`;
}

function isYamlName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

async function readLayout(workflowPath: string): Promise<LayoutFile | null> {
  try {
    const raw = JSON.parse((await readUserFile(layoutPathFor(workflowPath), MAX_LAYOUT_BYTES)).data.toString('utf8'));
    const parsed = layoutFileSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, target);
}

interface TemplateManifestEntry {
  id: string;
  file: string;
  name: string;
  description: string;
  category: TemplateSummary['category'];
}

export function createStudioService(opts: StudioServiceOptions): StudioService {
  const env = opts.env ?? process.env;
  const templatesDir = opts.templatesDir ?? defaultTemplatesDir();
  const homeDir = opts.homeDir ?? os.homedir();
  const recentPath = path.join(opts.dataDir, 'recent.json');
  const samplesDir = path.join(opts.dataDir, 'samples');
  // Assigned once below; the handlers only run after that.
  const ref: { router?: Router } = {};
  const prefsPath = path.join(opts.dataDir, PROVIDER_PREFS_FILE);
  let studioPromise: Promise<Studio> | undefined;

  const loadProviderPrefs = () => readProviderPrefs(prefsPath);
  const buildProviders = (prefs: ProviderPrefs): ProviderSettings => providerSettingsFrom(prefs, env, (p) => opts.secretStore?.get?.(p) ?? undefined);
  function studio(): Promise<Studio> {
    studioPromise ??= (async () => {
      const poolSize = Number(env.PIPELINE_STUDIO_POOL_SIZE) || undefined;
      const s = await Studio.open({
        dataDir: opts.dataDir,
        providers: buildProviders(await loadProviderPrefs()),
        ...opts.studio,
        pool: { ...(poolSize ? { poolSize } : {}), ...opts.studio?.pool },
      });
      s.engine.on('event', (e: { type: string; job?: unknown; jobId?: string; progress?: unknown }) => {
        if (e.type === 'job') ref.router?.emit('optimize.job', { job: e.job as never });
        else ref.router?.emit('optimize.progress', { jobId: e.jobId!, progress: e.progress as never });
      });
      s.runtime.subscribe((status) => ref.router?.emit('runtime.progress', status));
      // First launch of a packaged app: set the runtime up now, not at the first optimization (failures show in Settings).
      void s.runtime.ensure().catch(() => undefined);
      return s;
    })().catch((err) => {
      studioPromise = undefined;
      throw err;
    });
    return studioPromise;
  }
  function keySource(provider: 'anthropic' | 'gemini' | 'openai'): 'safe-storage' | 'environment' | 'none' {
    if (opts.secretStore?.has(provider)) return 'safe-storage';
    return env[PROVIDER_ENV[provider]] ? 'environment' : 'none';
  }

  async function readRecent(): Promise<RecentFile[]> {
    try {
      const list = JSON.parse(await fs.readFile(recentPath, 'utf8'));
      return Array.isArray(list) ? list.filter((r) => r && typeof r.path === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }
  async function touchRecent(file: string): Promise<void> {
    const list = (await readRecent()).filter((r) => r.path !== file);
    list.unshift({ path: file, name: path.basename(file), openedAt: new Date().toISOString() });
    await fs.mkdir(opts.dataDir, { recursive: true });
    const files = list.slice(0, MAX_RECENT);
    await writeFileAtomic(recentPath, JSON.stringify(files, null, 2));
    ref.router?.emit('workspace.recentChanged', { files });
  }

  async function manifest(): Promise<TemplateManifestEntry[]> {
    const raw = JSON.parse(await fs.readFile(path.join(templatesDir, 'index.json'), 'utf8'));
    return raw.templates as TemplateManifestEntry[];
  }

  function abs(p: string): string {
    const expanded = p === '~' ? homeDir : p.startsWith('~/') ? path.join(homeDir, p.slice(2)) : p;
    if (!path.isAbsolute(expanded)) throw new StudioApiError('bad_request', `path must be absolute: ${p}`);
    return path.resolve(expanded);
  }

  const runs = createRunHandlers({
    studio,
    emit: (e) => ref.router?.emit('workflow.runEvent', e),
    emitBatch: (p) => ref.router?.emit('workflow.batchEvent', p),
    defaultBaseDir: opts.dataDir,
  });
  const handlers: Omit<Handlers, keyof typeof runs.handlers> = {
    'app.info': () => ({
      name: 'Pipeline Studio',
      version: opts.version ?? '0.1.0',
      mode: opts.mode,
      platform: process.platform,
      dataDir: opts.dataDir,
      homeDir,
      samplesDir,
    }),

    'fs.list': async ({ path: p, filter }) => {
      const dir = abs(p ?? homeDir);
      const dirents = await fs.readdir(dir, { withFileTypes: true });
      const entries = dirents
        .filter((d) => !d.name.startsWith('.'))
        .filter((d) => d.isDirectory() || filter === 'all' || isYamlName(d.name))
        .map((d) => ({ name: d.name, path: path.join(dir, d.name), kind: d.isDirectory() ? ('dir' as const) : ('file' as const) }))
        .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      const parent = path.dirname(dir);
      return { path: dir, parent: parent === dir ? null : parent, entries };
    },

    'workspace.open': async ({ path: p }) => {
      const file = abs(p);
      const { data, mtimeMs } = await forbidSpecial(readUserFile(file, YAML_LIMITS.maxChars));
      await touchRecent(file);
      return { path: file, name: path.basename(file), text: data.toString('utf8'), layout: await readLayout(file), mtimeMs };
    },

    'workspace.openFolder': async ({ path: p }) => {
      const dir = abs(p);
      const files: { name: string; path: string; kind: 'file' }[] = [];
      async function walk(d: string, depth: number) {
        if (depth > 3 || files.length > 500) return;
        for (const e of await fs.readdir(d, { withFileTypes: true })) {
          if (e.name.startsWith('.') || e.name === 'node_modules') continue;
          const full = path.join(d, e.name);
          if (e.isDirectory()) await walk(full, depth + 1);
          else if (isYamlName(e.name)) files.push({ name: path.relative(dir, full), path: full, kind: 'file' });
        }
      }
      await walk(dir, 0);
      files.sort((a, b) => a.name.localeCompare(b.name));
      return { path: dir, name: path.basename(dir), files };
    },

    'workspace.save': async ({ path: p, text, layout, createOnly }) => {
      const file = abs(p);
      if (createOnly && existsSync(file)) throw new StudioApiError('conflict', `${file} already exists`);
      await forbidSpecial(checkWriteTarget(file));
      if (layout) await forbidSpecial(checkWriteTarget(layoutPathFor(file)));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, text);
      if (layout) await writeFileAtomic(layoutPathFor(file), `${JSON.stringify(layout, null, 2)}\n`);
      const stat = await fs.stat(file);
      await touchRecent(file);
      return { path: file, name: path.basename(file), mtimeMs: stat.mtimeMs, bytes: Buffer.byteLength(text) };
    },

    'workspace.exists': async ({ path: p }) => {
      try {
        const st = await fs.stat(abs(p));
        return { exists: true, kind: st.isDirectory() ? 'dir' : 'file' };
      } catch {
        return { exists: false, kind: 'none' };
      }
    },

    'workspace.recent': async () => ({ files: await readRecent() }),

    'workspace.clearRecent': async () => {
      await fs.rm(recentPath, { force: true });
      ref.router?.emit('workspace.recentChanged', { files: [] });
      return { ok: true as const };
    },

    'layout.read': async ({ workflowPath }) => ({ layout: await readLayout(abs(workflowPath)) }),

    'layout.write': async ({ workflowPath, layout }) => {
      const target = layoutPathFor(abs(workflowPath));
      await forbidSpecial(checkWriteTarget(target));
      await writeFileAtomic(target, `${JSON.stringify(layout, null, 2)}\n`);
      return { path: target };
    },

    'templates.list': async () => {
      const entries = await manifest();
      const templates: TemplateSummary[] = [];
      for (const t of entries) {
        const text = await fs.readFile(path.join(templatesDir, t.file), 'utf8');
        const steps = ((parseYamlValue(text, t.file) as { workflow?: { steps?: unknown } } | null)?.workflow?.steps ?? []) as { type?: string }[];
        const types = [...new Set(steps.map((s) => String(s?.type ?? '')).filter(Boolean))];
        templates.push({ id: t.id, name: t.name, description: t.description, category: t.category, stepCount: steps.length, stepTypes: types });
      }
      return { templates };
    },

    'templates.get': async ({ id }) => {
      const entry = (await manifest()).find((t) => t.id === id);
      if (!entry) throw new StudioApiError('not_found', `no template ${id}`);
      return { id, fileName: path.basename(entry.file), text: await fs.readFile(path.join(templatesDir, entry.file), 'utf8') };
    },

    'sample.create': async ({ dir }) => {
      const target = dir ? abs(dir) : path.join(samplesDir, 'sample-project');
      const src = path.join(templatesDir, 'sample-project');
      await fs.mkdir(target, { recursive: true });
      await fs.cp(src, target, { recursive: true, force: false, errorOnExist: false });
      // The offline demo the README's first steps follow.
      const workflowPath = path.join(target, 'toy_labels.yaml');
      const datasetPath = path.join(target, 'data', 'toy_labels.jsonl');
      const rows = (await fs.readFile(datasetPath, 'utf8')).split('\n').filter((l) => l.trim());
      const labeled = rows.filter((l) => /"label":\s*"(accepted|corrected|rejected)"/.test(l)).length;
      return { dir: target, workflowPath, datasetPath, examples: rows.length, labeled, step: 'classify' };
    },

    'workflow.validate': async ({ text }) => validateText(text, studioPromise ? (await studioPromise.catch(() => undefined))?.host : undefined),

    'export.write': async ({ path: p, content, encoding }) => {
      const file = abs(p);
      const data = encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
      await forbidSpecial(checkWriteTarget(file));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, data);
      return { path: file, bytes: data.length };
    },

    'secrets.status': () => ({
      available: opts.secretStore?.available() ?? false,
      providers: Object.entries(PROVIDER_ENV).map(([provider, envVar]) => {
        const stored = opts.secretStore?.has(provider) ?? false;
        const fromEnv = Boolean(env[envVar]);
        return { provider, envVar, configured: stored || fromEnv, source: stored ? ('safe-storage' as const) : fromEnv ? ('environment' as const) : ('none' as const) };
      }),
    }),

    'secrets.set': ({ provider, value }) => {
      if (!opts.secretStore?.available()) {
        throw new StudioApiError('forbidden', `secure storage is not available here; set ${PROVIDER_ENV[provider]} in the environment`);
      }
      opts.secretStore.set(provider, value);
      // A new key takes effect at once.
      if (studioPromise) void studioPromise.then(async (s) => s.setProviders(buildProviders(await loadProviderPrefs()))).catch(() => undefined);
      return { ok: true as const };
    },

    ...createTuningHandlers({
      studio,
      emit: (event, payload) => ref.router?.emit(event, payload),
      keySource,
      keyStorage: opts.secretStore?.available() ? 'safe-storage' : 'environment',
      loadProviderPrefs,
      saveProviderPrefs: async (prefs) => {
        await fs.mkdir(opts.dataDir, { recursive: true });
        await writeFileAtomic(prefsPath, JSON.stringify(prefs, null, 2));
      },
      buildProviders,
      by: opts.mode === 'test' ? 'tester' : localUser(),
    }),
    ...createPriceHandlers({ studio, by: opts.mode === 'test' ? 'tester' : localUser() }),
    ...createRuntimeHandlers({ studio }),
    ...createProviderHandlers({ loadProviderPrefs, buildProviders }),
  };

  ref.router = createRouter({ ...handlers, ...runs.handlers }, opts.log);
  return Object.assign(ref.router, {
    studio,
    async close() {
      const s = studioPromise ? await studioPromise.catch(() => undefined) : undefined;
      studioPromise = undefined;
      await runs.stopAll();
      await s?.close();
    },
  });
}

/** Who labels and promotes: the OS account name (audit and demo provenance). */
function localUser(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
