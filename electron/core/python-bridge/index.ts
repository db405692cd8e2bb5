/** The Python bridge: a pool of studio_runtime workers speaking JSON-RPC 2.0 over stdio. */
export * from './errors';
export { PROTOCOL_VERSION, MAX_FRAME_BYTES, LineDecoder, encodeFrame, parseFrame, type IncomingMessage } from './framing';
export { silentLogger, streamLogger, type BridgeLogger } from './logger';
export { locateRuntime, findRepoRoot, INSTALL_HINT, type LocatedRuntime, type LocateOptions, type RuntimeSource } from './runtime-locator';
export {
  provisionRuntime,
  provisionedVenv,
  findWheelhouse,
  readMarker,
  PROVISION_STEPS,
  type ProvisionProgress,
  type ProvisionResult,
  type RuntimeMarker,
} from './runtime-provisioner';
export { RuntimeSetup, type RuntimeSetupInfo, type RuntimeSetupState } from './runtime-setup';
export {
  PythonWorker,
  DEFAULT_MEMORY_LIMIT_BYTES,
  DEFAULT_RUNTIME_ARGS,
  limitedCommand,
  workerEnv,
  sweepStaleWorkerDirs,
  type ReadyInfo,
  type ProgressEvent,
  type WorkerSpawnOptions,
  type WorkerExit,
} from './worker';
export { PythonPool, type PoolOptions, type RequestOptions, type PoolStatus, type WorkerStatus, type PoolEvent } from './pool';
