// Assertions are for what must never happen (a bug in lvmscope), not for bad input: bad input
// gets a handled error (`LvmscopeError` / `Result`) with a sentence saying what to do.

export class AssertionError extends Error {
  constructor(message: string) {
    super(`internal error: ${message}`);
    this.name = 'AssertionError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unexpected value'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}
