// LVM2's configuration grammar (libdm/libdm-config.c), which the metadata text uses (§4.1):
//   file := { node };  node := key '=' value | key '{' { node } '}'
//   value := scalar | '[' [scalar {[','] scalar}] ']'
//   scalar := int | float | "string" (escapes \" \\) | 'string' | bare word
// The parser keeps a plain node tree, so keys and sections lvmscope does not understand can be
// written back untouched. Comments are dropped on read (LVM drops them too).

import { LvmscopeError } from '../../base/result';

export type ConfigScalar = { kind: 'int'; value: bigint } | { kind: 'float'; text: string } | { kind: 'string'; value: string };
export type ConfigValue = ConfigScalar | { kind: 'array'; items: ConfigScalar[] };

/** A key with a value, or a section (children) — never both. */
export interface ConfigNode {
  key: string;
  value?: ConfigValue;
  children?: ConfigNode[];
  /** Written after the value in the file form only (`# 4 Megabytes`). */
  comment?: string;
}

/** Sections deeper than this are refused (real metadata nests 5 deep). */
const MAX_DEPTH = 32;

class Parser {
  private at = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  parseFile(): ConfigNode[] {
    const nodes = this.parseNodes(0);
    this.skipSpace();
    if (this.at < this.text.length) this.fail(`unexpected '${this.text[this.at]}'`);
    return nodes;
  }

  private fail(what: string): never {
    throw new LvmscopeError('CORRUPT', `The metadata text is not valid (line ${this.line}: ${what}).`);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t[this.at];
      if (c === '\n') this.line++;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') this.at++;
      else if (c === '#') {
        while (this.at < t.length && t[this.at] !== '\n') this.at++;
      } else return;
    }
  }

  private parseNodes(depth: number): ConfigNode[] {
    if (depth > MAX_DEPTH) this.fail('sections nest too deeply');
    const nodes: ConfigNode[] = [];
    while (true) {
      this.skipSpace();
      if (this.at >= this.text.length || this.text[this.at] === '}') return nodes;
      nodes.push(this.parseNode(depth));
    }
  }

  private parseNode(depth: number): ConfigNode {
    const key = this.parseKey();
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') {
      this.at++;
      const children = this.parseNodes(depth + 1);
      if (this.text[this.at] !== '}') this.fail(`section ${key} is not closed`);
      this.at++;
      return { key, children };
    }
    if (c !== '=') this.fail(`expected '=' or '{' after ${key}`);
    this.at++;
    this.skipSpace();
    return { key, value: this.parseValue() };
  }

  private parseKey(): string {
    const c = this.text[this.at];
    if (c === '"' || c === "'") return this.parseQuoted();
    const start = this.at;
    while (this.at < this.text.length && !/[\s#={}[\],"']/.test(this.text[this.at])) this.at++;
    if (this.at === start) this.fail(`unexpected '${c}'`);
    return this.text.slice(start, this.at);
  }

  private parseValue(): ConfigValue {
    if (this.text[this.at] !== '[') return this.parseScalar();
    this.at++;
    const items: ConfigScalar[] = [];
    while (true) {
      this.skipSpace();
      if (this.at >= this.text.length) this.fail('array is not closed');
      if (this.text[this.at] === ']') {
        this.at++;
        return { kind: 'array', items };
      }
      if (this.text[this.at] === ',') {
        if (items.length === 0) this.fail('array starts with a comma');
        this.at++;
        this.skipSpace();
      }
      items.push(this.parseScalar());
    }
  }

  private parseScalar(): ConfigScalar {
    const c = this.text[this.at];
    if (c === '"' || c === "'") return { kind: 'string', value: this.parseQuoted() };
    const m = /^[+-]?[0-9]+(\.[0-9]*)?/.exec(this.text.slice(this.at, this.at + 64));
    if (m) {
      this.at += m[0].length;
      return m[1] !== undefined ? { kind: 'float', text: m[0] } : { kind: 'int', value: parseCInteger(m[0], (w) => this.fail(w)) };
    }
    const start = this.at;
    while (this.at < this.text.length && !/[\s#={}[\],"']/.test(this.text[this.at])) this.at++;
    if (this.at === start) this.fail(c === undefined ? 'value missing at end of text' : `unexpected '${c}'`);
    return { kind: 'string', value: this.text.slice(start, this.at) };
  }

  private parseQuoted(): string {
    const quote = this.text[this.at++];
    let out = '';
    while (true) {
      if (this.at >= this.text.length) this.fail('string is not closed');
      const c = this.text[this.at++];
      if (c === quote) return out;
      if (c === '\n') this.line++;
      if (c === '\\' && quote === '"' && this.at < this.text.length) out += this.text[this.at++];
      else out += c;
    }
  }
}

/** strtoll(base 0) on `[+-]?[0-9]+`: a leading zero means octal, exactly as libdm reads it. */
function parseCInteger(text: string, fail: (what: string) => never): bigint {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '');
  if (digits.length > 1 && digits.startsWith('0')) {
    if (!/^[0-7]+$/.test(digits)) fail(`${text} is not a valid octal number`);
    const v = BigInt('0o' + digits);
    return negative ? -v : v;
  }
  const v = BigInt(digits);
  return negative ? -v : v;
}

/** Parses metadata or backup text into a node tree; throws CORRUPT with the line on error. */
export function parseConfig(text: string): ConfigNode[] {
  return new Parser(text).parseFile();
}

// ---------------------------------------------------------------------------------------------
// Writer

export interface WriteStyle {
  /** '' for the on-disk form, '\t' for backup files. */
  indent: string;
  /** Emit node comments (file form only). */
  comments: boolean;
}

export const DISK_STYLE: WriteStyle = { indent: '', comments: false };
export const FILE_STYLE: WriteStyle = { indent: '\t', comments: true };

export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

function formatScalar(s: ConfigScalar): string {
  if (s.kind === 'int') return s.value.toString(); // decimal, never a leading zero
  if (s.kind === 'float') return s.text;
  return quoteString(s.value);
}

/** Area lists are written one (name, index) pair per line, as LVM does. */
const PAIR_ARRAYS = new Set(['stripes', 'mirrors']);

function formatValue(key: string, v: ConfigValue, pad: string): string {
  if (v.kind !== 'array') return formatScalar(v);
  if (!PAIR_ARRAYS.has(key) || v.items.length === 0) return `[${v.items.map(formatScalar).join(', ')}]`;
  const lines: string[] = [];
  for (let i = 0; i < v.items.length; i += 2) lines.push(pad + '\t'.repeat(pad ? 1 : 0) + v.items.slice(i, i + 2).map(formatScalar).join(', '));
  return `[\n${lines.join(',\n')}\n${pad}]`;
}

function formatKey(key: string): string {
  return /^[^\s#={}[\],"']+$/.test(key) ? key : quoteString(key);
}

/** Writes nodes one per line; sections get a blank line before them like LVM's output. */
export function writeConfig(nodes: ConfigNode[], style: WriteStyle, depth = 0): string {
  const pad = style.indent.repeat(depth);
  let out = '';
  let previousWasValue = false;
  for (const node of nodes) {
    if (node.children) {
      if (previousWasValue) out += '\n';
      out += `${pad}${formatKey(node.key)} {\n${writeConfig(node.children, style, depth + 1)}${pad}}\n`;
      previousWasValue = false;
    } else if (node.value) {
      const comment = style.comments && node.comment ? `\t# ${node.comment}` : '';
      out += `${pad}${formatKey(node.key)} = ${formatValue(node.key, node.value, pad)}${comment}\n`;
      previousWasValue = true;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small constructors and readers used by the model codec.

export const int = (n: number | bigint): ConfigScalar => ({ kind: 'int', value: BigInt(n) });
export const str = (s: string): ConfigScalar => ({ kind: 'string', value: s });
export const arr = (items: ConfigScalar[]): ConfigValue => ({ kind: 'array', items });
export const strArray = (items: string[]): ConfigValue => arr(items.map(str));
export const val = (key: string, value: ConfigValue, comment?: string): ConfigNode => (comment ? { key, value, comment } : { key, value });
export const section = (key: string, children: ConfigNode[]): ConfigNode => ({ key, children });

export function findNode(nodes: ConfigNode[], key: string): ConfigNode | undefined {
  return nodes.find((n) => n.key === key);
}

/** Deep copy, so a model never shares mutable nodes with another model. */
export function cloneNodes(nodes: ConfigNode[]): ConfigNode[] {
  return nodes.map((n) => ({
    key: n.key,
    ...(n.value ? { value: n.value.kind === 'array' ? { kind: 'array' as const, items: n.value.items.map((i) => ({ ...i })) } : { ...n.value } } : {}),
    ...(n.children ? { children: cloneNodes(n.children) } : {}),
    ...(n.comment ? { comment: n.comment } : {}),
  }));
}
