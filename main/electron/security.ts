// The Content-Security-Policy of the UI, in one place for both hosts: Electron sets it on
// every response of its session (onHeadersReceived), browser mode sends it as a header, and
// renderer/index.html carries the same policy in a <meta> tag (the browser enforces both,
// so the stricter one wins). No inline scripts, no eval, no remote code; the only
// connection the page may open is the engine's WebSocket on the loopback interface.

export interface CspOptions {
  /** Extra connect-src sources, e.g. the exact WebSocket origin of browser mode. */
  connect?: string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...(options.connect ?? [])]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Headers every UI response carries in browser mode, besides the CSP. */
export const HARDENING_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the access token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
