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
    .exitOverride();
  for (const verb of VERBS) verb(program);
  // Usage errors read like every other failure: one line, `lvmscope: …`, with where to look.
  for (const command of [program, ...program.commands]) {
    const help = command === program ? 'lvmscope --help' : `lvmscope ${command.name()} --help`;
    command.exitOverride().configureOutput({ outputError: (text, write) => write(usageSentence(text, help)) });
  }
  return program;
}

/** "error: unknown option '--x'\n" → "lvmscope: unknown option '--x'; see lvmscope lvs --help.\n" */
export function usageSentence(commanderText: string, help: string): string {
  const message = commanderText.replace(/^error:\s*/, '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return `lvmscope: ${message}; see ${help}.\n`;
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
