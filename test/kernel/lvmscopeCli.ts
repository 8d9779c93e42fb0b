// The lvmscope command as a long-running child (`lvmscope serve|pvmove … --nbd …`) that a test
// watches and signals: what it printed so far (stdout and stderr together, in order), a wait
// for a line, its exit. Runs main/cli/lvmscope.mjs as a user does (test/main/cli/run.ts).

import { cliChild } from '../main/cli/run';

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LvmscopeCli {
  /** Everything printed so far. */
  output = '';
  readonly exited: Promise<CliExit>;
  private exit: CliExit | null = null;
  private readonly child: ReturnType<typeof cliChild>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly args: readonly string[]) {
    this.child = cliChild(...args);
    const onText = (chunk: Buffer) => {
      this.output += chunk.toString();
      this.listeners.forEach((l) => l());
    };
    this.child.stdout.on('data', onText);
    this.child.stderr.on('data', onText);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.listeners.forEach((l) => l());
        resolve(this.exit);
      });
    });
  }

  /** Calls `check` on every new output (and once now) until it returns something; rejects if the process exits first. */
  until<T>(what: string, check: (output: string) => T | null | undefined, timeoutMs = 120_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`lvmscope ${this.args[0]} did not ${what} within ${timeoutMs / 1000} s:\n${this.output}`)), timeoutMs);
      const done = (error: Error | null, value?: T) => {
        clearTimeout(timer);
        this.listeners.delete(look);
        if (error) reject(error);
        else resolve(value as T);
      };
      const look = () => {
        const found = check(this.output);
        if (found !== null && found !== undefined) done(null, found);
        else if (this.exit) done(new Error(`lvmscope ${this.args[0]} exited (${this.exit.code ?? this.exit.signal}) before it would ${what}:\n${this.output}`));
      };
      this.listeners.add(look);
      look();
    });
  }

  /** Resolves once a line matches `pattern`. */
  line(pattern: RegExp, what = `print ${pattern}`, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.until(what, (out) => out.split('\n').map((l) => pattern.exec(l)).find((m) => m !== null), timeoutMs);
  }

  /** Its exit, or an error naming it when it has not exited within `timeoutMs`. */
  async exitWithin(timeoutMs = 60_000): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`lvmscope ${this.args[0]} did not exit within ${timeoutMs / 1000} s:\n${this.output}`)), timeoutMs)));
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }
}
