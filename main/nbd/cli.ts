// What `lvmscope serve --nbd` and `lvmscope pvmove --nbd` share: start the NBD server on the
// engine's open workspace and say where (stderr: stdout belongs to each verb's own output),
// and after a move, keep exporting while clients are connected (and `--nbd-linger` seconds).

import type { Engine } from '../../app/engine';
import { nbdUri, parseNbdAddress, startNbdServer, formatNbdAddress, type NbdServer } from './server';

export async function startCliNbd(engine: Engine, addressText: string): Promise<NbdServer> {
  const server = await startNbdServer(engine, parseNbdAddress(addressText), { log: (m) => process.stderr.write(`lvmscope: ${m}\n`) });
  const names = engine.exports.view().exports.map((e) => e.name);
  const first = names[0];
  process.stderr.write(`lvmscope: NBD on ${formatNbdAddress(server.address)} exports ${names.join(', ') || 'nothing (no active LV)'}${first ? `; for example: nbdinfo '${nbdUri(server.address, first)}'` : ''}\n`);
  return server;
}

/**
 * After the move: serve on for `lingerSeconds` (clients may still connect, to read the moved
 * LV back), then until every connected client has left. Ctrl-C stops waiting.
 */
export async function lingerForClients(server: NbdServer, lingerSeconds: number): Promise<void> {
  let interrupted = false;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => {
      interrupted = true;
      resolve();
    });
  });
  if (lingerSeconds > 0) {
    process.stderr.write(`lvmscope: the move is over; still exporting for ${lingerSeconds} s (--nbd-linger).\n`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, lingerSeconds * 1000))), stop]);
    clearTimeout(timer);
  }
  if (!interrupted && server.connectionCount > 0) {
    process.stderr.write(`lvmscope: waiting for ${server.connectionCount} NBD client${server.connectionCount === 1 ? '' : 's'} to disconnect (Ctrl-C drops them).\n`);
    await Promise.race([server.idle(), stop]);
  }
  process.removeAllListeners('SIGINT');
}
