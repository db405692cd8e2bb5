/**
 * The StudioApi contract: every request, response and event between the renderer and the host,
 * defined once with zod. Both transports (Electron IPC and the browser-mode WebSocket) carry the
 * same envelopes and the host validates every payload against these schemas.
 * Pure TypeScript: no node:, no DOM, no electron.
 */
import { z } from 'zod';
import { layoutSidecarSchema } from '../graph/layout';
import { pricesMethods } from './prices';
import { providersMethods } from './providers';
import { runEvents, runMethods } from './run';
import { runtimeEvents, runtimeMethods } from './runtime';
import { tuningEvents, tuningMethods } from './tuning';

export * from './prices';
export * from './providers';
export * from './run';
export * from './runtime';
export * from './tuning';

export const STUDIO_IPC_CHANNEL = 'studio:rpc';
export const STUDIO_EVENT_CHANNEL = 'studio:event';

const path = z.string().min(1).max(4096);

/** The `<workflow>.layout.json` sidecar (shared/graph's schema): node positions by graph node id. */
export const layoutFileSchema = layoutSidecarSchema;
export type LayoutFile = z.infer<typeof layoutFileSchema>;

export const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  /** Reads like `workflow.steps[2].prompt`. */
  path: z.string().default(''),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  code: z.string().optional(),
});
export type ApiDiagnostic = z.infer<typeof diagnosticSchema>;

const recentFileSchema = z.object({ path, name: z.string(), openedAt: z.string() });
export type RecentFile = z.infer<typeof recentFileSchema>;

const templateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.enum(['dspy', 'pipeline_ex', 'sample']),
  stepCount: z.number().int(),
  stepTypes: z.array(z.string()),
});
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

const dirEntrySchema = z.object({ name: z.string(), path, kind: z.enum(['file', 'dir']), size: z.number().optional() });
export type DirEntry = z.infer<typeof dirEntrySchema>;

const openedFileSchema = z.object({
  path,
  name: z.string(),
  text: z.string(),
  layout: layoutFileSchema.nullable(),
  mtimeMs: z.number(),
});
export type OpenedFile = z.infer<typeof openedFileSchema>;

const providerSecretSchema = z.object({
  provider: z.string(),
  configured: z.boolean(),
  source: z.enum(['safe-storage', 'environment', 'none']),
  envVar: z.string(),
});

/** Every method: its params and its result. */
export const studioMethods = {
  'app.info': {
    params: z.object({}).strict(),
    result: z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['electron', 'browser', 'cli', 'test']),
      platform: z.string(),
      dataDir: z.string(),
      homeDir: z.string(),
      samplesDir: z.string(),
    }),
  },
  'fs.list': {
    params: z.object({ path: path.optional(), filter: z.enum(['all', 'yaml']).default('yaml') }).strict(),
    result: z.object({ path, parent: path.nullable(), entries: z.array(dirEntrySchema) }),
  },
  'workspace.open': {
    params: z.object({ path }).strict(),
    result: openedFileSchema,
  },
  'workspace.openFolder': {
    params: z.object({ path }).strict(),
    result: z.object({ path, name: z.string(), files: z.array(dirEntrySchema) }),
  },
  'workspace.save': {
    params: z
      .object({
        path,
        text: z.string().max(20_000_000),
        layout: layoutFileSchema.nullable().optional(),
        /** Refuse to overwrite an existing file (save as without confirmation). */
        createOnly: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ path, name: z.string(), mtimeMs: z.number(), bytes: z.number().int() }),
  },
  'workspace.exists': {
    params: z.object({ path }).strict(),
    result: z.object({ exists: z.boolean(), kind: z.enum(['file', 'dir', 'none']) }),
  },
  'workspace.recent': {
    params: z.object({}).strict(),
    result: z.object({ files: z.array(recentFileSchema) }),
  },
  'workspace.clearRecent': {
    params: z.object({}).strict(),
    result: z.object({ ok: z.literal(true) }),
  },
  'layout.read': {
    params: z.object({ workflowPath: path }).strict(),
    result: z.object({ layout: layoutFileSchema.nullable() }),
  },
  'layout.write': {
    params: z.object({ workflowPath: path, layout: layoutFileSchema }).strict(),
    result: z.object({ path }),
  },
  'templates.list': {
    params: z.object({}).strict(),
    result: z.object({ templates: z.array(templateSummarySchema) }),
  },
  'templates.get': {
    params: z.object({ id: z.string().min(1).max(200) }).strict(),
    result: z.object({ id: z.string(), fileName: z.string(), text: z.string() }),
  },
  'sample.create': {
    params: z.object({ dir: path.optional() }).strict(),
    result: z.object({ dir: path, workflowPath: path, datasetPath: path, examples: z.number().int(), labeled: z.number().int(), step: z.string() }),
  },
  'workflow.validate': {
    params: z.object({ text: z.string().max(20_000_000) }).strict(),
    result: z.object({ ok: z.boolean(), diagnostics: z.array(diagnosticSchema) }),
  },
  'export.write': {
    params: z
      .object({
        path,
        content: z.string().max(50_000_000),
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
      })
      .strict(),
    result: z.object({ path, bytes: z.number().int() }),
  },
  'secrets.status': {
    params: z.object({}).strict(),
    result: z.object({ available: z.boolean(), providers: z.array(providerSecretSchema) }),
  },
  'secrets.set': {
    params: z.object({ provider: z.enum(['anthropic', 'gemini', 'openai']), value: z.string().max(4096) }).strict(),
    result: z.object({ ok: z.literal(true) }),
  },
  ...tuningMethods,
  ...pricesMethods,
  ...providersMethods,
  ...runMethods,
  ...runtimeMethods,
} as const;

export type StudioMethod = keyof typeof studioMethods;
export type MethodParams<M extends StudioMethod> = z.input<(typeof studioMethods)[M]['params']>;
export type MethodResult<M extends StudioMethod> = z.output<(typeof studioMethods)[M]['result']>;
export const studioMethodNames = Object.keys(studioMethods) as StudioMethod[];

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(studioMethods, name);
}

/** Events the host pushes to the renderer. */
export const studioEvents = {
  'workspace.recentChanged': z.object({ files: z.array(recentFileSchema) }),
  'host.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  ...tuningEvents,
  ...runEvents,
  ...runtimeEvents,
} as const;
export type StudioEvent = keyof typeof studioEvents;
export type EventPayload<E extends StudioEvent> = z.output<(typeof studioEvents)[E]>;

/** Wire envelopes (identical on both transports). */
export const requestEnvelopeSchema = z
  .object({
    kind: z.literal('request'),
    id: z.number().int().nonnegative(),
    method: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export const errorBodySchema = z.object({
  code: z.enum(['bad_request', 'unknown_method', 'not_found', 'conflict', 'forbidden', 'internal']),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const responseEnvelopeSchema = z.union([
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: errorBodySchema }),
]);
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

export const eventEnvelopeSchema = z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export class StudioApiError extends Error {
  constructor(
    readonly code: ErrorBody['code'],
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = 'StudioApiError';
  }
}

/** Parses a method's params; throws StudioApiError('bad_request') with zod's issues. */
export function parseParams<M extends StudioMethod>(method: M, params: unknown): z.output<(typeof studioMethods)[M]['params']> {
  const parsed = studioMethods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    throw new StudioApiError(
      'bad_request',
      `invalid params for ${method}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data as z.output<(typeof studioMethods)[M]['params']>;
}

/** The typed client surface the renderer sees (implemented over IPC or WebSocket). */
export interface StudioApi {
  call<M extends StudioMethod>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  on<E extends StudioEvent>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What the preload exposes on window.studio (Electron only). */
export interface StudioBridge {
  invoke(request: RequestEnvelope): Promise<ResponseEnvelope>;
  onEvent(listener: (event: EventEnvelope) => void): () => void;
}
