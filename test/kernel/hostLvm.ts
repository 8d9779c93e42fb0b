// Real LVM2 on the host, reading the images a guest left behind: each image is attached to a
// loop device (`losetup -f --show`, detached in `finally`), and LVM2 runs with activation
// disabled (the host kernel has no device-mapper) and a filter that accepts only OUR loop
// devices. The filter matters: other suites attach copies of the same fixtures at the same
// time, and LVM2 would otherwise see duplicate PV UUIDs and refuse.

import { execFileSync } from 'node:child_process';
import { fail } from '../../app/base/result';
import type { GuestImage } from './qemu';

function lvmConfig(devices: readonly string[]): string {
  const accept = devices.map((d) => `"a|^${d}$|"`).join(', ');
  const filter = `[ ${accept}, "r|.*|" ]`;
  return (
    `devices{use_devicesfile=0 obtain_device_list_from_udev=0 scan_lvs=0 filter=${filter} global_filter=${filter}} ` +
    'global{activation=0 use_lvmpolld=0} activation{udev_sync=0 udev_rules=0 monitoring=0} backup{backup=0 archive=0}'
  );
}

/** Attaches every image to a fresh loop device, runs `fn`, and detaches them again. */
export function withLoopDevices<T>(images: readonly GuestImage[], fn: (devices: string[]) => T): T {
  const devices: string[] = [];
  try {
    for (const img of images) {
      devices.push(execFileSync('losetup', ['-f', '--show', img.path], { encoding: 'utf8' }).trim());
    }
    return fn(devices);
  } finally {
    for (const d of devices) execFileSync('losetup', ['-d', d]);
  }
}

/** Runs one LVM2 command (`lvs`, `pvs`, `vgck`, ...) on the images; returns stdout. */
export function hostLvm(images: readonly GuestImage[], command: string, args: readonly string[]): string {
  return withLoopDevices(images, (devices) => {
    try {
      const out = execFileSync(command, ['--config', lvmConfig(devices), ...args], {
        encoding: 'utf8',
        env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Name devices by image name, as the fixtures' lvs.txt does, so tests read naturally.
      return devices.reduce((text, dev, i) => text.replaceAll(new RegExp(`${dev}(?![0-9])`, 'g'), images[i].name), out);
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? String(e);
      return fail('STATE', `host LVM2 "${command} ${args.join(' ')}" failed: ${stderr.trim()}`);
    }
  });
}

export interface HostLvSegment {
  lvName: string;
  lvAttr: string;
  segStartPe: number;
  segSizePe: number;
  peRanges: string;
  devices: string;
}

/** Every segment of every LV (hidden ones too) of `vg`, as host LVM2 reads the images. */
export function hostLvSegments(images: readonly GuestImage[], vg: string): HostLvSegment[] {
  const json = hostLvm(images, 'lvs', [
    ...['-a', '--reportformat', 'json', '--units', 's', '--nosuffix'],
    ...['-o', 'lv_name,lv_attr,seg_start_pe,seg_size_pe,seg_pe_ranges,devices', vg],
  ]);
  const rows = (JSON.parse(json) as { report: { lv: Record<string, string>[] }[] }).report[0].lv;
  return rows.map((r) => ({
    lvName: r.lv_name,
    lvAttr: r.lv_attr,
    segStartPe: Number(r.seg_start_pe),
    segSizePe: Number(r.seg_size_pe),
    peRanges: r.seg_pe_ranges,
    devices: r.devices,
  }));
}

/** The PV names (image names) an LV's segments lie on, in LV order, e.g. ["pv1", "pv4", "pv3"]. */
export function hostLvPvs(images: readonly GuestImage[], vg: string, lv: string): string[] {
  return hostLvSegments(images, vg)
    .filter((s) => s.lvName === lv)
    .sort((a, b) => a.segStartPe - b.segStartPe)
    .map((s) => s.peRanges.split(':')[0]);
}
