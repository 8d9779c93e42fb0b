// Proves the CLI skeleton: verbs come from the list in main/cli/verbs, `serve` is there with
// its arguments, and usage errors exit 2 with one human sentence instead of a stack trace.

import { describe, expect, it, vi } from 'vitest';
import { buildProgram, runCli } from '../../../main/cli/index';
import { VERBS } from '../../../main/cli/verbs';
import { parsePort } from '../../../main/cli/verbs/serve';

describe('the lvmscope CLI', () => {
  it('registers one subcommand per verb in the list, serve among them', () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toHaveLength(VERBS.length);
    expect(names).toContain('serve');
    const serve = buildProgram().commands.find((c) => c.name() === 'serve')!;
    expect(serve.options.map((o) => o.long)).toEqual(['--port', '--open', '--demo', '--nbd', '--replay']);
  });

  it('prints every usage error as one line that starts with lvmscope: and names the help to read', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const argv of [['lvs', '--bogus'], ['no-such-verb'], ['lvs'], ['pvmove', '/tmp', 'pv2', 'pv4', '--rate', 'fast']]) {
        stderr.mockClear();
        expect(await runCli(['node', 'lvmscope', ...argv])).toBe(2);
        const text = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(text.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
        expect(text).toMatch(/^lvmscope: .*; see lvmscope (\w+ )?--help\.\n$/);
      }
    } finally {
      stderr.mockRestore();
    }
  });

  it('rejects a port that is not 0..65535 with a sentence and exit code 2', async () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('5730')).toBe(5730);
    expect(() => parsePort('70000')).toThrow(/0 to 65535/);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['node', 'lvmscope', 'serve', '--port', 'abc'])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/the port must be a whole number/);
      expect(await runCli(['node', 'lvmscope', 'no-such-verb'])).toBe(2);
    } finally {
      stderr.mockRestore();
    }
  });
});
