// The few host globals the engine may use. Every JavaScript host lvmscope runs on (Node,
// Chromium, Electron) provides them; declaring them here keeps `app/` compiling without
// DOM or Node type libraries, so a stray `Buffer` or `document` fails the type check.
// Time, randomness and storage never come from globals: they arrive through `Clock`,
// `Random` and `BlockStore`.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare function queueMicrotask(callback: () => void): void;
// eslint-disable-next-line no-var
declare var console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
