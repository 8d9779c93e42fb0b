/**
 * The userspace device-mapper: the public API for the rest of the engine (pvmove, LV
 * activation, the UI's device panel).
 *
 *   const dm = new DeviceMapper({ clock });
 *   const pv1 = dm.addImage(store);                       // image PV as 7:N (a BlockDevice)
 *   const lv = dm.create(dmName('vg0', 'lv0'), uuid);     // 254:N, no table yet
 *   dm.load(lv.name, [{ startSector: 0, lengthSectors: 8192, type: 'linear', device: { devno: '7:0', offsetSectors: 2048 } }]);
 *   dm.loadText(lv.name, '0 8192 linear 7:0 2048');       // the same table typed in dmsetup syntax
 *   await dm.suspend(lv.name);  await dm.resume(lv.name); // swap; resume activates the first table
 *   await lv.write(sector, bytes); await lv.read(sector, n); await lv.flush();
 *   const t = dm.load(lv.name, mirrorSpecs); …resume…      // t.mirror(i): the control of target i
 *   const m = t.mirror(1);  m.regionRanges(); await m.awaitInSync();
 *   dm.copier.setRate(bytesPerSec); dm.copier.pause(); dm.copier.resume();
 *   dm.events.on((e: DmEvent) => …);                     // every change, coalesced progress
 *   dm.info(name) / infoText / targets(name, 'live'|'inactive') (typed) / table (dmsetup text) / status / message / list / remove
 *
 * Semantics follow Linux dm (DESIGN §2.2): suspend = presuspend → defer new IO → drain
 * in-flight → postsuspend; resume = swap inactive → live (only when suspended), resume
 * targets, replay deferred IO in order.
 */

export { DeviceMapper, type DeviceMapperOptions, type DmDeviceInfo, type TableHandle } from './deviceMapper';
export { MappedDevice } from './mappedDevice';
export type { DmEvent, DmEventType, TargetEvent, TargetEventBody, DeviceState, IoCounters } from './events';
export { dmName } from './names';
export { parseTable, formatTable, formatTarget, formatTableLine, targetDevices, sameTable, type TableSpec, type TargetSpec, type TargetParams, type DeviceOffset } from './table';
export type { MapResult, TargetContext, TargetType, AnyTargetType } from './target';
export { defineTarget } from './target';
export type { RegionRange, RegionState } from './regions';
export type { MirrorControl } from './targets/mirror';
export { builtinTargets } from './targets';
export type { BlockDevice, IoRequest } from '../block/blockDevice';
export { DM_MAJOR, IMAGE_MAJOR, formatDevno, parseDevno } from '../block/blockDevice';
export { StoreDevice } from '../block/storeDevice';
export { Copier, type CopierOptions, type CopyJob, type CopyJobSpec, type CopyOutcome, type CopierProgress } from '../kcopyd/copier';
