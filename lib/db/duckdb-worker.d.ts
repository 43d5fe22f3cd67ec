export const START_FAILED: string;
export const ENGINE_STATE: string;
export const ENGINE_INSTANTIATED: string;
export const ENGINE_QUERY: string;
export const ENGINE_ANSWER: string;
export const ENGINE_ANSWER_BYTES: number;
export function wrappedWorkerSource(workerUrl: string, wasmUrl: string): string;
export function sharedEngineSource(): string;
export function sharedEngineFile(): string;
