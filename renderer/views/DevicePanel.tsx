// The device-mapper stack as a tree (the LVs on top, the outline's `-orig` or the lvm2
// stack's `pvmove0` below them, loop devices of the PVs at the leaves; pvmove0 is listed under
// each LV that maps onto it, in full under the first) with each device's state, live / inactive tables and status lines in
// dmsetup syntax, open count and IO counters. A suspend, a table load and a swap flash as
// they happen (keyed by the change's sequence number, so a repeat flashes again).
import { memo, useMemo } from 'react';
import { formatTable, type DmDeviceView } from '../../app/api/views';
import { flattenTree, ListedStacks, type StackNode } from '../geometry/dmStack';
import { useAppStore } from '../storeContext';
import { useShownDevices } from './diagramParts';

/** Stacks listed at most; a big VG's other active LVs (plain linear tables) are counted, not drawn. */
export const MAX_LISTED_STACKS = 100;

/**
 * A stack worth listing whatever its name: anything but an LV resting on linear tables (a
 * suspended device, a table waiting to swap in, a mirror of a move, an LV on pvmove0's mirror).
 */
function busy(d: DmDeviceView, lookup: (devno: string) => DmDeviceView | undefined, seen = new Set<string>()): boolean {
  if (d.state !== 'ACTIVE' || d.inactive || (d.live ?? []).some((t) => t.type !== 'linear' && t.type !== 'striped')) return true;
  seen.add(d.devno);
  return d.dependsOn.some((devno) => {
    const below = lookup(devno);
    return below !== undefined && !seen.has(devno) && busy(below, lookup, seen);
  });
}

export function DevicePanel() {
  const devices = useShownDevices();
  const changes = useAppStore((s) => s.devices.changes);
  const pvs = useAppStore((s) => s.workspace.view?.vgs[0]?.pvs);
  const stacks = useMemo(() => new ListedStacks(MAX_LISTED_STACKS), []);
  const { rows, hidden } = useMemo(() => {
    const { shown, hidden } = stacks.list(devices, pvs ?? [], busy);
    return { rows: flattenTree(shown), hidden };
  }, [stacks, devices, pvs]);
  // Focusable: it scrolls in its pane, and a keyboard user scrolls it with the arrow keys.
  return (
    <section className="panel devices" aria-labelledby="dm-title" tabIndex={0}>
      <h2 id="dm-title">Device-mapper stack <span className="muted">(dmsetup ls --tree)</span></h2>
      {rows.length === 0 && <p className="muted">No mapped devices.</p>}
      <ul className="dm-tree" data-testid="dm-tree">
        {rows.map((node, i) => <TreeRow key={`${node.devno}-${i}`} node={node} change={node.device ? changes[node.device.name] : undefined} />)}
      </ul>
      {hidden > 0 && <p className="muted" data-testid="dm-more">and {hidden.toLocaleString('en-US')} more active LVs with plain linear tables (lvmscope dmsetup ls lists them all)</p>}
    </section>
  );
}

/**
 * One line of the tree. Memo by what it shows: the tree is built anew from every device list
 * (a dm snapshot brings new objects for unchanged devices too), and most lines stay as they were.
 */
const TreeRow = memo(function TreeRow({ node, change }: { node: StackNode; change?: { change: string; seq: number } }) {
  return (
    <li className={`dm-node dm-${node.kind}`} style={{ paddingLeft: `${node.depth * 18}px` }} data-testid={node.kind === 'dm' && !node.repeat ? `dm-${node.label}` : undefined}>
      {node.depth > 0 && <span className="tree-branch" aria-hidden="true">{node.last ? '└─' : '├─'}</span>}
      {node.device && node.repeat && <span className="mono dm-repeat" data-testid={`dm-repeat-${node.label}`}>{node.label} <span className="muted">({node.devno}, shown above)</span></span>}
      {node.device && !node.repeat && <DeviceRow device={node.device} change={change} />}
      {!node.device && <span className="mono">{node.label} <span className="muted">({node.devno}, loop device of {node.label})</span></span>}
    </li>
  );
}, (a, b) => a.change === b.change && sameLine(a.node, b.node));

function sameLine(a: StackNode, b: StackNode): boolean {
  return a.devno === b.devno && a.label === b.label && a.kind === b.kind && a.depth === b.depth && a.last === b.last && a.repeat === b.repeat && sameDevice(a.device, b.device);
}

/** Equal devices by content (a snapshot's objects are new; comparing them is far cheaper than rendering the row again). */
function sameDevice(a: DmDeviceView | null, b: DmDeviceView | null): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

/** Memo: a dm event changes one device (its counters, dozens of times a second in a copy); the other rows stay as they are. */
const DeviceRow = memo(function DeviceRow({ device, change }: { device: DmDeviceView; change?: { change: string; seq: number } }) {
  const showTables = device.live !== null || device.inactive !== null || device.status.length > 0;
  return (
    <div className="dm-device">
      <div className="dm-head">
        <span className="mono dm-name">{device.name}</span>
        <span className="mono muted">{device.devno}</span>
        <span className={`badge state-${device.state.toLowerCase()}`} data-testid={`dm-state-${device.name}`}>{device.state}</span>
        {device.deferredRemove && <span className="badge state-deferred" data-testid={`dm-deferred-${device.name}`} title="dmsetup remove --deferred marked it; it disappears when the last device using it lets go">DEFERRED REMOVE</span>}
        <span className={`badge ${device.live ? 'on' : 'off'}`} title="A live table maps IO now">LIVE</span>
        <span className={`badge ${device.inactive ? 'on inactive' : 'off'}`} title="An inactive table was loaded and waits for resume to swap in">INACTIVE</span>
        {change && <span key={change.seq} className="badge flash" data-testid={`dm-change-${device.name}`}>{change.change}</span>}
        <span className="mono muted dm-io" title="open count · reads / writes (sectors) · in flight · deferred">
          open {device.openCount} · r {device.io.reads} ({device.io.readSectors}) · w {device.io.writes} ({device.io.writtenSectors}) · in-flight {device.inFlight} · deferred {device.deferred}
        </span>
      </div>
      {showTables && (
        <pre className="dm-tables mono">
          {formatTable(device.live ?? []).map((l) => `table:    ${l}`).join('\n')}
          {device.inactive ? '\n' + formatTable(device.inactive).map((l) => `inactive: ${l}`).join('\n') : ''}
          {device.status.length ? '\n' + device.status.map((l) => `status:   ${l}`).join('\n') : ''}
        </pre>
      )}
    </div>
  );
});
