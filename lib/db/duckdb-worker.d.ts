export const START_FAILED: string;
export const ENGINE_STATE: string;
export const ENGINE_INSTANTIATED: string;
export function wrappedWorkerSource(workerUrl: string, wasmUrl: string): string;
export function sharedEngineSource(): string;
export function sharedEngineFile(): string;
