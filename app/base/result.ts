// Results cross layers and processes as data: `{ok: true, value} | {ok: false, error}`.
// `LvmscopeError` carries a stable machine code and one human sentence that says what is
// wrong and what to do; it is what a handled failure throws inside the engine, and what the
// API turns into `{ok: false, error: {code, message}}`.

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'INVALID'
  | 'CORRUPT'
  | 'BUSY'
  | 'LOCKED'
  | 'NO_SPACE'
  | 'UNSUPPORTED'
  | 'IO'
  | 'STATE'
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export type Result<T, E = ErrorInfo> = { ok: true; value: T } | { ok: false; error: E };

export class LvmscopeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LvmscopeError';
    this.code = code;
  }
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = ErrorInfo>(error: E): Result<never, E> => ({ ok: false, error });

export function fail(code: ErrorCode, message: string): never {
  throw new LvmscopeError(code, message);
}

/** Turns anything thrown into the data form; unknown throwables become INTERNAL. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof LvmscopeError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message };
  return { code: 'INTERNAL', message: String(e) };
}
