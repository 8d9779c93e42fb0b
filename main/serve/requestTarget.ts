// Reads an HTTP request target the one way browser mode understands it, and refuses every
// other spelling. The token check guards "the page", so no second spelling of the page's path
// may exist: `/%69ndex.html`, `/./index.html`, `//index.html` and `/index.html/` must not reach
// index.html without it. Rather than normalise such paths (and then have to prove every
// normalisation agrees with the file system), only canonical paths are served: percent-escapes
// are decoded once, and the decoded path must have no empty, `.` or `..` segment, no
// backslash and no control character. Browsers only ever send canonical paths for the URLs
// this server hands out, so nothing legitimate is refused.

export type RequestTarget =
  | { ok: true; /** Decoded, canonical: `/` or `/a/b.js`. */ path: string; query: URLSearchParams }
  | { ok: false; status: 400 | 404; reason: string };

/** Printable ASCII that may appear raw in a path or query (RFC 3986 pchar, `/`, `?`, `%`). */
const RAW_TARGET = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
/** Characters never allowed in a decoded path segment: controls, DEL and backslash. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_DECODED = /[\u0000-\u001f\u007f\\]/;

export function parseRequestTarget(rawTarget: string | undefined): RequestTarget {
  const raw = rawTarget ?? '';
  if (!raw.startsWith('/')) {
    // Absolute-form (`GET http://host/…`, what proxies receive) and asterisk-form (`OPTIONS *`):
    // this server is no proxy, and its Host check must see the one authority that counts.
    return { ok: false, status: 400, reason: 'Bad request target: ask for a path that starts with / (this server is not a proxy).' };
  }
  if (!RAW_TARGET.test(raw)) return { ok: false, status: 400, reason: 'Bad request target: it holds characters that must be percent-encoded.' };
  const cut = raw.indexOf('?');
  const rawPath = cut < 0 ? raw : raw.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? '' : raw.slice(cut + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'Bad request target: the path is not valid percent-encoded UTF-8.' };
  }
  if (!isCanonical(path)) return { ok: false, status: 404, reason: 'Not found.' };
  return { ok: true, path, query };
}

/** `/` or `/seg/seg…` where no segment is empty, `.` or `..`, and nothing is a control or `\`. */
export function isCanonical(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || FORBIDDEN_DECODED.test(path)) return false;
  return path
    .slice(1)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
