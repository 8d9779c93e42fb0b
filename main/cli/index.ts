// The CLI skeleton: commander with one file per verb under verbs/, registered from the list
// in verbs/index.ts. Errors are printed as one human sentence (no stack trace) with exit
// code 1; usage errors exit 2.

import { Command, CommanderError } from 'commander';
import { ENGINE_VERSION } from '../../app/engine';
import { LvmscopeError } from '../../app/base/result';
import { VERBS } from './verbs';

export function buildProgram(): Command {
  const program = new Command('lvmscope')
    .description('See and rehearse live LVM migrations: device-mapper and pvmove, step by step, on image files.')
    .version(ENGINE_VERSION)
    .showHelpAfterError('(run lvmscope --help for the list of verbs)')
    .exitOverride();
  for (const verb of VERBS) verb(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code (long-running verbs resolve on exit). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const message = e instanceof Error ? e.message : String(e);
    const code = e instanceof LvmscopeError ? ` [${e.code}]` : '';
    process.stderr.write(`lvmscope: ${message}${code}\n`);
    return 1;
  }
}
