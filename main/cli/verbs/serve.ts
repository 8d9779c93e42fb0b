// `lvmscope serve [DIR] [--port N] [--open]`: browser mode. Serves the built UI and the
// engine's API on 127.0.0.1 and prints exactly one line on stdout, as soon as it listens:
//   lvmscope: serving on http://127.0.0.1:PORT/?token=TOKEN
// Build output and progress go to stderr, so scripts can read the URL from stdout.
// `--open` never puts the token on a command line (any user can read /proc/PID/cmdline of the
// opener and the browser): it opens the file:// URL of a private launch page that redirects
// to the tokened URL (main/serve/launchPage.ts), removed when serve stops.

import { spawn } from 'node:child_process';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { ENGINE_VERSION } from '../../../app/engine';
import { startBrowserMode, startReplayMode } from '../../serve/browserMode';
import { writeLaunchPage, type LaunchPage } from '../../serve/launchPage';

export interface ServeFlags {
  port: number;
  open?: boolean;
  demo?: boolean;
  replay?: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('the port must be a whole number from 0 to 65535 (0 picks a free port).');
  return port;
}

export function serveVerb(program: Command): void {
  program
    .command('serve')
    .description('Serve the lvmscope UI to a web browser, on 127.0.0.1 only, with an access token in the URL.')
    .argument('[dir]', 'the workspace folder to show (a folder of image files); default: the demo workspace')
    .option('-p, --port <n>', 'TCP port (0 picks a free one)', parsePort, 0)
    .option('--open', 'open the URL in the default browser')
    .option('--demo', 'fill the folder with the seed demo if it is empty (implied when no folder is given)')
    .option('--replay <file>', 'serve a recorded move (.lvmrec, from Save recording or pvmove --record) instead of an engine: no workspace is opened')
    .action((dir: string | undefined, flags: ServeFlags) => (flags.replay ? serveReplay(dir, flags.replay, flags) : serve(dir, flags)));
}

async function serve(dir: string | undefined, flags: ServeFlags): Promise<void> {
  const onDrop = (reason: string) => process.stderr.write(`lvmscope: ${reason}\n`);
  const { server, workspacePath, stop: stopServing } = await startBrowserMode(dir, { holderName: 'lvmscope serve', port: flags.port, demo: flags.demo, onDrop });
  process.stdout.write(`lvmscope: serving on ${server.url}\n`);
  process.stderr.write(`lvmscope ${ENGINE_VERSION}: workspace ${workspacePath}; press Ctrl+C to stop.\n`);
  const launchPage = flags.open ? openInBrowser(server.url) : undefined;
  await new Promise<void>((resolve) => {
    // Closing the engine too releases the workspace lock, so the next lvmscope command (or
    // window) can open the folder at once instead of finding it "in use".
    const stop = () => {
      launchPage?.dispose();
      void stopServing().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `serve --replay FILE`: the UI replays the recording; there is no engine to drive. */
async function serveReplay(dir: string | undefined, file: string, flags: ServeFlags): Promise<void> {
  if (dir !== undefined) throw new InvalidArgumentError(`--replay serves a recording, not a workspace: leave out the folder (${dir}).`);
  const { server, title, stop: stopServing } = await startReplayMode(file, { port: flags.port });
  process.stdout.write(`lvmscope: serving on ${server.url}\n`);
  process.stderr.write(`lvmscope ${ENGINE_VERSION}: replaying ${title} (no engine, no workspace); press Ctrl+C to stop.\n`);
  const launchPage = flags.open ? openInBrowser(server.url) : undefined;
  await new Promise<void>((resolve) => {
    const stop = () => {
      launchPage?.dispose();
      void stopServing().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Opens the tokened URL through a launch page, so the token stays off every command line. */
function openInBrowser(url: string): LaunchPage {
  const page = writeLaunchPage(url);
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [page.fileUrl], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`lvmscope: could not start ${opener}; open the URL above by hand.\n`));
  child.unref();
  return page;
}
