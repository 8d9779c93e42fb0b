// Runs real LVM2 against image files: attaches each image to a loop device (losetup -f --show,
// never a fixed number), runs the command with activation disabled (docs/environment.md), and
// always detaches what it attached. Loop device paths in output are mapped back to image names.

import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const LVM_CONFIG =
  'devices{use_devicesfile=0 obtain_device_list_from_udev=0 scan_lvs=0} global{activation=0 use_lvmpolld=0} activation{udev_sync=0 udev_rules=0 monitoring=0} backup{backup=0 archive=0}';

const env = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' };

export interface Attached {
  /** image file name → loop device */
  devices: Map<string, string>;
  /** Runs `lvm <args…> --config …`; returns stdout with loop device paths replaced by image names. */
  lvm(...args: string[]): string;
  /** Runs a report command with --reportformat json and returns its rows. */
  report(command: 'lvs' | 'pvs' | 'vgs', ...args: string[]): Record<string, string>[];
  /** The loop device of an image. */
  dev(image: string): string;
}

/** Attaches the images (full paths), runs `body`, and detaches in any case. */
export async function withLoopDevices<T>(imagePaths: string[], body: (a: Attached) => T | Promise<T>): Promise<T> {
  const devices = new Map<string, string>();
  try {
    for (const p of imagePaths) devices.set(path.basename(p), execFileSync('losetup', ['-f', '--show', p], { encoding: 'utf8' }).trim());
    const toNames = (text: string) => {
      let out = text;
      // Longest device paths first so /dev/loop1 does not match inside /dev/loop10.
      for (const [name, dev] of [...devices].sort((a, b) => b[1].length - a[1].length)) out = out.split(dev).join(name.replace(/\.img$/, ''));
      return out;
    };
    // LVM2 sees only the images attached here: a PV of another test or tool on the host (a
    // bench's loop devices, say) must not show up in these reports.
    const onlyOurs = `devices{filter=[${[...devices.values()].map((d) => `"a|^${d}$|"`).join(',')},"r|.*|"] `;
    const config = LVM_CONFIG.replace('devices{', onlyOurs);
    const lvm = (...args: string[]) => {
      try {
        return toNames(execFileSync('lvm', [...args, '--config', config], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));
      } catch (e) {
        const err = e as { stderr?: string; stdout?: string; message: string };
        throw new Error(`lvm ${args.join(' ')} failed: ${toNames(err.stderr ?? '')}${toNames(err.stdout ?? '')}`);
      }
    };
    const report = (command: 'lvs' | 'pvs' | 'vgs', ...args: string[]) => {
      const json = JSON.parse(lvm(command, '--reportformat', 'json', ...args)) as { report: Record<string, Record<string, string>[]>[] };
      const key = command.slice(0, 2);
      return json.report.flatMap((r) => r[key] ?? []);
    };
    const dev = (image: string) => devices.get(image) ?? assertNever(image);
    return await body({ devices, lvm, report, dev });
  } finally {
    for (const dev of devices.values()) {
      try {
        execFileSync('losetup', ['-d', dev]);
      } catch {
        // already detached
      }
    }
  }
}

function assertNever(image: string): never {
  throw new Error(`${image} is not attached`);
}
