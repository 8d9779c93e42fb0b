// The device-mapper registry (the ioctl interface of dm-ioctl.c, as `dmsetup` uses it):
// image PVs registered as 7:N, mapped devices created as 254:N (lowest free minor), typed
// tables loaded into the inactive slot (`loadText` parses dmsetup syntax at the edge),
// suspend / resume / remove, and the `dmsetup info | table | status | message | ls` views.
// Every change is an event.

import type { Clock } from '../base/clock';
import { Emitter } from '../base/emitter';
import { fail } from '../base/result';
import type { BlockStore } from '../block/blockStore';
import { DM_MAJOR, formatDevno, parseDevno, type BlockDevice } from '../block/blockDevice';
import { StoreDevice } from '../block/storeDevice';
import { Copier, type CopierOptions } from '../kcopyd/copier';
import type { DeviceState, DmEvent, IoCounters, TargetEventBody } from './events';
import { LoadedTable, type LoadedTarget } from './loadedTable';
import { MappedDevice } from './mappedDevice';
import { invalidDeviceName } from './names';
import { checkLayout, formatTarget, parseTable, type TableSpec, type TargetSpec } from './table';
import type { AnyTargetType, TargetContext } from './target';
import { builtinTargets } from './targets';
import type { MirrorControl } from './targets/mirror';

/** A table as its loader holds it: what was loaded, and its mirrors' controls by target index. */
export interface TableHandle {
  readonly spec: TableSpec;
  mirror(targetIndex: number): MirrorControl;
}

export interface DeviceMapperOptions {
  readonly clock: Clock;
  readonly copier?: CopierOptions;
  /** Most IOs a suspended device queues before new IO fails with BUSY. */
  readonly deferredBound?: number;
  /** How often IO counter events are emitted per device at most (ms). */
  readonly ioEventIntervalMs?: number;
}

/** What `dmsetup info` shows, as data. */
export interface DmDeviceInfo {
  readonly name: string;
  readonly uuid: string;
  readonly devno: string;
  readonly major: number;
  readonly minor: number;
  readonly state: DeviceState;
  readonly liveTable: boolean;
  readonly inactiveTable: boolean;
  readonly openCount: number;
  readonly eventNumber: number;
  readonly targetCount: number;
  readonly sizeSectors: number;
  readonly inFlight: number;
  readonly deferred: number;
  readonly counters: Readonly<IoCounters>;
}

export class DeviceMapper {
  readonly events = new Emitter<DmEvent>();
  readonly copier: Copier;
  readonly clock: Clock;
  private readonly targetTypes = new Map<string, AnyTargetType>();
  private readonly images = new Map<string, StoreDevice>();
  private readonly mapped = new Map<string, MappedDevice>();
  /** Kept beside `mapped` so that creating the n-th device costs O(1), not a scan of n. */
  private readonly minorsInUse = new Set<number>();
  /** Every minor below this one is in use (so finding a free minor is not a scan from 0). */
  private minorsUsedBelow = 0;
  /** devno → how many live or inactive tables reference it (the kernel's open count). */
  private readonly openers = new Map<string, number>();
  private readonly uuidsInUse = new Set<string>();
  /** Devices marked by `remove --deferred`, removed when nothing references them any more. */
  private readonly pendingRemoval = new Set<string>();
  private readonly deferredBound: number;
  private readonly ioEventIntervalMs: number;

  constructor(options: DeviceMapperOptions) {
    this.clock = options.clock;
    this.copier = new Copier(options.clock, options.copier);
    this.copier.events.on((p) => this.events.emit({ type: 'copier-progress', ...p }));
    for (const t of builtinTargets) this.targetTypes.set(t.name, t);
    this.deferredBound = options.deferredBound ?? 65536;
    this.ioEventIntervalMs = options.ioEventIntervalMs ?? 33;
  }

  // ---- image PVs (7:N) ----

  /** Registers an image file as a PV block device 7:N (lowest free N unless `minor` is given). */
  addImage(store: BlockStore, minor?: number): StoreDevice {
    const m = minor ?? lowestFree(new Set([...this.images.values()].map((d) => d.minor)));
    const device = new StoreDevice(store, m);
    if (this.images.has(device.devno)) fail('EXISTS', `Device ${device.devno} is already registered (${this.images.get(device.devno)!.name}); pick another minor.`);
    this.images.set(device.devno, device);
    this.events.emit({ type: 'image-added', device: device.name, devno: device.devno });
    return device;
  }

  /** Unregisters an image PV; refused while a table uses it. */
  removeImage(devno: string): void {
    const device = this.images.get(devno) ?? fail('NOT_FOUND', `No image device ${devno} is registered.`);
    this.refuseIfOpen(devno, device.name);
    this.images.delete(devno);
    this.events.emit({ type: 'image-removed', device: device.name, devno });
  }

  /** Any registered device (image PV or mapped device) by "maj:min". */
  lookup(devno: string): BlockDevice | undefined {
    return this.images.get(devno) ?? [...this.mapped.values()].find((d) => d.devno === devno);
  }

  // ---- mapped devices (254:N) ----

  /** `dmsetup create <name> [-u uuid]` without a table: the device exists, with no table. */
  create(name: string, uuid = ''): MappedDevice {
    const bad = invalidDeviceName(name);
    if (bad) fail('INVALID', `Cannot create the device: ${bad}.`);
    if (this.mapped.has(name)) fail('EXISTS', `A device named ${name} already exists; remove it first or pick another name.`);
    if (uuid && this.uuidsInUse.has(uuid)) fail('EXISTS', `Another device already has the UUID ${uuid}.`);
    const minor = lowestFree(this.minorsInUse, this.minorsUsedBelow);
    const device = new MappedDevice(name, uuid, minor, formatDevno(DM_MAJOR, minor), {
      clock: this.clock,
      events: this.events,
      deferredBound: this.deferredBound,
      ioEventIntervalMs: this.ioEventIntervalMs,
      onTableSwap: (before, after) => this.countOpeners(before, after),
    });
    this.mapped.set(name, device);
    this.minorsInUse.add(minor);
    this.minorsUsedBelow = minor + 1;
    if (uuid) this.uuidsInUse.add(uuid);
    this.events.emit({ type: 'device-created', device: name, devno: device.devno, uuid });
    return device;
  }

  /** The mapped device called `name` (or with that "254:N"), or a NOT_FOUND error. */
  get(nameOrDevno: string): MappedDevice {
    const byName = this.mapped.get(nameOrDevno);
    if (byName) return byName;
    const byDevno = [...this.mapped.values()].find((d) => d.devno === nameOrDevno);
    return byDevno ?? fail('NOT_FOUND', `No mapped device named ${nameOrDevno}; create it first (dmsetup ls lists the devices).`);
  }

  /**
   * `dmsetup remove`: refused while another table uses the device; queued IO fails.
   * `dmsetup remove --deferred` (kernel ≥ 3.13): if the device is in use, it is marked and
   * removed as soon as the last table that references it goes away.
   */
  remove(name: string, options: { deferred?: boolean } = {}): void {
    const device = this.get(name);
    if (options.deferred && this.openCount(device.devno) > 0) {
      this.pendingRemoval.add(device.name);
      this.events.emit({ type: 'remove-deferred', device: device.name, devno: device.devno });
      return;
    }
    this.pendingRemoval.delete(device.name);
    this.refuseIfOpen(device.devno, device.name);
    if (device.isSuspending) fail('BUSY', `${device.name} is being suspended; wait for the suspend to finish before removing it.`);
    if (device.inFlight > 0) fail('BUSY', `${device.name} still has ${device.inFlight} IOs in flight; suspend it first so they drain.`);
    this.mapped.delete(device.name);
    this.minorsInUse.delete(device.minor);
    this.minorsUsedBelow = Math.min(this.minorsUsedBelow, device.minor);
    this.uuidsInUse.delete(device.uuid);
    device.failDeferred();
    device.cancelTimers();
    device.inactive?.destroy();
    device.live?.destroy();
    device.inactive = device.live = undefined;
    this.events.emit({ type: 'device-removed', device: device.name, devno: device.devno });
    this.reapDeferredRemovals();
  }

  /**
   * `dmsetup load`: constructs the table into the inactive slot. On any error nothing changes
   * (neither the live nor a previously loaded inactive table). Returns the loaded table, so
   * its loader can reach its targets (a mirror's control) by index once it is live.
   */
  load(name: string, table: TableSpec): TableHandle {
    const device = this.get(name);
    checkLayout(table);
    const loaded = this.construct(device, table);
    device.inactive?.destroy();
    device.inactive = loaded;
    this.events.emit({ type: 'table-loaded', device: device.name, devno: device.devno, table: loaded.spec });
    return loaded;
  }

  /** `dmsetup load` of a table typed in dmsetup syntax (the CLI, tests written as text). */
  loadText(name: string, tableText: string): TableHandle {
    return this.load(name, parseTable(tableText));
  }

  /** `dmsetup clear`: drops the inactive table. */
  clear(name: string): void {
    const device = this.get(name);
    if (!device.inactive) return;
    device.inactive.destroy();
    device.inactive = undefined;
    this.events.emit({ type: 'inactive-cleared', device: device.name, devno: device.devno });
    this.reapDeferredRemovals();
  }

  /** `dmsetup suspend [--noflush]`: resolves once the device is SUSPENDED (in-flight IO drained). */
  suspend(name: string, options: { noflush?: boolean } = {}): Promise<void> {
    return this.get(name).suspend(options.noflush ?? false);
  }

  /**
   * `dmsetup resume`: swaps in the inactive table (the device must be suspended for that),
   * resumes the targets, then replays deferred IO. Resuming an active device with nothing
   * loaded does nothing.
   */
  async resume(name: string): Promise<void> {
    const device = this.get(name);
    if (device.state === 'ACTIVE') {
      if (device.isSuspending) fail('BUSY', `${device.name} is being suspended; wait for the suspend to finish, then resume.`);
      if (!device.inactive) return;
      // A device without a live table maps no IO, so there is nothing to drain: the first
      // table goes live the way the kernel's resume does it (an implicit suspend).
      if (device.live) fail('STATE', `${device.name} is active, so its inactive table cannot be swapped in; suspend it first, then resume.`);
      await device.suspend(false);
    }
    if (!device.inactive && !device.live) fail('STATE', `${device.name} has no table; load one before resuming.`);
    const replaced = await device.resume();
    replaced?.destroy();
    this.reapDeferredRemovals();
  }

  /** Whether `remove --deferred` marked this device (it goes when its last user lets go). */
  isRemovalDeferred(name: string): boolean {
    return this.pendingRemoval.has(name);
  }

  /** Removes every device marked for deferred removal that nothing references any more. */
  private reapDeferredRemovals(): void {
    for (const name of [...this.pendingRemoval]) {
      const device = this.mapped.get(name);
      if (!device) this.pendingRemoval.delete(name);
      else if (this.openCount(device.devno) === 0) this.remove(name);
    }
  }

  /** `dmsetup message <name> <sector> <message…>`: sent to the target covering `sector`. */
  async message(name: string, sector: number, text: string): Promise<string> {
    const device = this.get(name);
    const table = device.live ?? fail('STATE', `${device.name} has no live table to send a message to.`);
    if (!(sector >= 0 && sector < table.sizeSectors)) fail('INVALID', `Sector ${sector} is outside ${device.name} (${table.sizeSectors} sectors).`);
    const target = table.targets[table.find(sector)];
    if (!target.type.message) fail('UNSUPPORTED', `The ${target.type.name} target does not accept messages.`);
    const argv = text.trim().split(/\s+/).filter((w) => w !== '');
    if (argv.length === 0) fail('INVALID', 'The message is empty; give a command such as "fail_now".');
    return target.type.message(target.state, argv);
  }

  // ---- views ----

  info(name: string): DmDeviceInfo {
    const d = this.get(name);
    return this.describe(d, this.openCount(d.devno));
  }

  private describe(d: MappedDevice, openCount: number): DmDeviceInfo {
    return {
      name: d.name,
      uuid: d.uuid,
      devno: d.devno,
      major: DM_MAJOR,
      minor: d.minor,
      state: d.state,
      liveTable: d.live !== undefined,
      inactiveTable: d.inactive !== undefined,
      openCount,
      eventNumber: d.eventNumber,
      targetCount: d.live?.targets.length ?? 0,
      sizeSectors: d.sizeSectors,
      inFlight: d.inFlight,
      deferred: d.deferredCount,
      counters: { ...d.counters },
    };
  }

  /** The long form of `dmsetup info <name>`, values at column 20. */
  infoText(name: string): string {
    const i = this.info(name);
    const tables = i.liveTable && i.inactiveTable ? 'LIVE & INACTIVE' : i.liveTable ? 'LIVE' : i.inactiveTable ? 'INACTIVE' : 'None';
    const rows: [string, string | number][] = [
      ['Name:', i.name],
      ['State:', i.state],
      ['Read Ahead:', 256],
      ['Tables present:', tables],
      ['Open count:', i.openCount],
      ['Event number:', i.eventNumber],
      ['Major, minor:', `${i.major}, ${i.minor}`],
      ['Number of targets:', i.targetCount],
    ];
    if (i.uuid) rows.push(['UUID:', i.uuid]);
    return rows.map(([k, v]) => `${k.padEnd(19)}${v}`).join('\n') + '\n';
  }

  /** `dmsetup table <name>` (live) or `dmsetup table --inactive <name>`; one line per target. */
  table(name: string, which: 'live' | 'inactive' = 'live'): string {
    return this.targets(name, which)?.map(formatTarget).join('\n') ?? '';
  }

  /** The typed table in the live or inactive slot, or undefined when the slot is empty. */
  targets(name: string, which: 'live' | 'inactive' = 'live'): TableSpec | undefined {
    const d = this.get(name);
    return (which === 'live' ? d.live : d.inactive)?.spec;
  }

  /** `dmsetup status <name>`: one line per target of the live table. */
  status(name: string): string {
    return this.get(name).live?.formatStatus().join('\n') ?? '';
  }

  /**
   * `dmsetup ls`, ordered by minor. The open counts come from one pass over every table
   * (asking openCount per device made a list of n devices cost n², and activating n LVs,
   * which lists the devices each time, n³: 20 s for 1,000 LVs).
   */
  list(): DmDeviceInfo[] {
    const openers = new Map<string, number>();
    for (const d of this.mapped.values()) {
      for (const table of [d.live, d.inactive]) for (const devno of table?.references ?? []) openers.set(devno, (openers.get(devno) ?? 0) + 1);
    }
    return [...this.mapped.values()].sort((a, b) => a.minor - b.minor).map((d) => this.describe(d, openers.get(d.devno) ?? 0));
  }

  /** Whether a device of that name exists (without building its info). */
  has(name: string): boolean {
    return this.mapped.has(name);
  }

  /**
   * How many tables (live or inactive) of other devices hold `devno` open, as the kernel counts.
   * Kept as tables come and go (see countOpeners): a scan of every table per call made reports
   * and closing a workspace of n LVs cost n².
   */
  openCount(devno: string): number {
    return this.openers.get(devno) ?? 0;
  }

  /** A table left a slot (`before`) and/or entered one (`after`): adjusts the open counts. */
  private countOpeners(before: LoadedTable | undefined, after: LoadedTable | undefined): void {
    for (const devno of before?.references ?? []) {
      const n = (this.openers.get(devno) ?? 0) - 1;
      if (n > 0) this.openers.set(devno, n);
      else this.openers.delete(devno);
    }
    for (const devno of after?.references ?? []) this.openers.set(devno, (this.openers.get(devno) ?? 0) + 1);
  }

  /** The control of the mirror target at `targetIndex` (default: the first mirror) of `name`'s live table. */
  mirror(name: string, targetIndex?: number): MirrorControl {
    const d = this.get(name);
    const specs = d.live?.spec ?? [];
    const index = targetIndex ?? specs.findIndex((t) => t.type === 'mirror');
    if (!d.live || specs[index]?.type !== 'mirror') fail('NOT_FOUND', `${d.name} has no mirror target${targetIndex === undefined ? '' : ` at index ${targetIndex}`} in its live table.`);
    return d.live!.mirror(index);
  }

  private refuseIfOpen(devno: string, name: string): void {
    if (this.openCount(devno) === 0) return;
    const users = [...this.mapped.values()].filter((d) => d.live?.references.has(devno) || d.inactive?.references.has(devno)).map((d) => d.name);
    if (users.length > 0) fail('BUSY', `${name} (${devno}) is in use by ${users.join(', ')}; remove or reload those tables first.`);
  }

  private construct(device: MappedDevice, specs: TableSpec): LoadedTable {
    const built: LoadedTarget[] = [];
    const references = new Set<string>();
    try {
      specs.forEach((spec, index) => built.push(this.constructTarget(device, spec, index, references)));
    } catch (e) {
      for (const t of built) t.type.dtr?.(t.state);
      throw e;
    }
    return new LoadedTable(built, references);
  }

  private constructTarget(device: MappedDevice, spec: TargetSpec, index: number, references: Set<string>): LoadedTarget {
    const type = this.targetTypes.get(spec.type);
    if (!type) fail('INVALID', `Table line ${index + 1}: unknown target type '${String(spec.type)}'; known types are ${[...this.targetTypes.keys()].join(', ')}.`);
    let maxIoSectors = 0;
    const ctx: TargetContext = {
      deviceName: device.name,
      devno: device.devno,
      targetIndex: index,
      beginSector: spec.startSector,
      lengthSectors: spec.lengthSectors,
      clock: this.clock,
      copier: this.copier,
      getDevice: (text, argumentName) => {
        const found = this.resolveDevice(device, type!.name, text, argumentName);
        references.add(found.devno);
        return found;
      },
      setMaxIoSectors: (sectors) => (maxIoSectors = sectors),
      emit: (event: TargetEventBody) => this.events.emit({ ...event, device: device.name, devno: device.devno, targetIndex: index }),
      raiseEvent: () => device.raiseEvent(),
    };
    const state: unknown = type!.ctr(spec, ctx);
    return { index, beginSector: spec.startSector, lengthSectors: spec.lengthSectors, type: type!, state, spec, maxIoSectors };
  }

  private resolveDevice(owner: MappedDevice, targetName: string, text: string, argumentName: string): BlockDevice {
    if (!parseDevno(text)) fail('INVALID', `${targetName}: the ${argumentName} '${text}' is not a device number of the form major:minor.`);
    const found = this.lookup(text) ?? fail('INVALID', `${targetName}: the ${argumentName} ${text} was not found; register the image or create that device first.`);
    if (found instanceof MappedDevice && this.dependsOn(found, owner.devno)) {
      fail('INVALID', `${targetName}: the ${argumentName} ${text} is ${owner.name} itself or is stacked on it; a table cannot map a device onto itself.`);
    }
    return found;
  }

  /** True when `device` is `devno` or (through live or inactive tables) stacked on it. */
  private dependsOn(device: MappedDevice, devno: string, seen = new Set<string>()): boolean {
    if (device.devno === devno) return true;
    if (seen.has(device.devno)) return false;
    seen.add(device.devno);
    const refs = [...(device.live?.references ?? []), ...(device.inactive?.references ?? [])];
    return refs.some((r) => {
      const next = this.lookup(r);
      return next instanceof MappedDevice && this.dependsOn(next, devno, seen);
    });
  }
}

/** The lowest number not in `used`, knowing every number below `from` is in it. */
function lowestFree(used: ReadonlySet<number>, from = 0): number {
  let n = from;
  while (used.has(n)) n += 1;
  return n;
}

