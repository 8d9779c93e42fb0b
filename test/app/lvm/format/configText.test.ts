// Proves the config-grammar parser reads everything LVM2 writes (arrays, escapes, comments,
// octal leading zeros, floats, bare words, quoted keys) and that parse → write → parse is
// the identity on the node tree, in both the disk and the file style.

import { describe, expect, it } from 'vitest';
import { DISK_STYLE, FILE_STYLE, parseConfig, writeConfig } from '../../../../app/lvm/format/configText';
import { fixtureText } from '../fixtureImages';

describe('config text', () => {
  it('parses scalars, arrays without commas, escapes, comments and nested sections', () => {
    const nodes = parseConfig('a = 12 # c\nb = "x\\"y\\\\z"\nc = [1 2, "s"]\nd = []\nf = 1.5\ng = \'q\\\'\nh = bare\ns { t = -3 }\n"quoted key" = 1');
    expect(nodes).toEqual([
      { key: 'a', value: { kind: 'int', value: 12n } },
      { key: 'b', value: { kind: 'string', value: 'x"y\\z' } },
      { key: 'c', value: { kind: 'array', items: [{ kind: 'int', value: 1n }, { kind: 'int', value: 2n }, { kind: 'string', value: 's' }] } },
      { key: 'd', value: { kind: 'array', items: [] } },
      { key: 'f', value: { kind: 'float', text: '1.5' } },
      { key: 'g', value: { kind: 'string', value: 'q\\' } },
      { key: 'h', value: { kind: 'string', value: 'bare' } },
      { key: 's', children: [{ key: 't', value: { kind: 'int', value: -3n } }] },
      { key: 'quoted key', value: { kind: 'int', value: 1n } },
    ]);
  });

  it('reads a leading zero as octal, as strtoll base 0 does, and never writes one', () => {
    const nodes = parseConfig('x = 010');
    expect(nodes[0].value).toEqual({ kind: 'int', value: 8n });
    expect(writeConfig(nodes, DISK_STYLE)).toBe('x = 8\n');
    expect(() => parseConfig('x = 09')).toThrow(/not a valid octal/);
  });

  it('reports the line of a syntax error', () => {
    expect(() => parseConfig('a = 1\nb {\nc = \n')).toThrow(/line 4/);
    expect(() => parseConfig('a = [1, 2')).toThrow(/not closed/);
    expect(() => parseConfig('a { b = 1')).toThrow(/not closed/);
  });

  it('round-trips the real backup files in both styles', () => {
    for (const f of ['seed', 'seed-pvmove-interrupted', 'wrapped-mda'] as const) {
      const tree = parseConfig(fixtureText(f, 'vgcfgbackup.txt'));
      expect(parseConfig(writeConfig(tree, DISK_STYLE))).toEqual(tree);
      expect(parseConfig(writeConfig(tree, FILE_STYLE))).toEqual(tree);
    }
  });
});
