// `lvmscope dmsetup DIR ls [--tree] | table [NAME] | status [NAME] | info [NAME]`: the mapped
// devices lvmscope activates for the workspace, printed as dmsetup prints them.

import { Argument, type Command } from 'commander';
import { LvmscopeError } from '../../../app/base/result';
import { formatTable, type DmDeviceView } from '../../../app/api/views';
import { withWorkspace } from '../workspace';

const WHATS = ['ls', 'table', 'status', 'info'] as const;
type What = (typeof WHATS)[number];

export function dmsetupVerb(program: Command): void {
  program
    .command('dmsetup')
    .description("Show the workspace's device-mapper devices as dmsetup does: ls [--tree], table, status or info, of every device or of NAME.")
    .argument('<dir>', 'the workspace folder')
    .addArgument(new Argument('<what>', 'ls, table, status or info').choices(WHATS))
    .argument('[name]', 'one device (like vg0-lv0)')
    .option('--tree', 'with ls: draw the device stack')
    .action((dir: string, what: What, name: string | undefined, flags: { tree?: boolean }) =>
      show(what, dir, name, (devices) => (what === 'ls' ? (flags.tree ? tree(devices) : ls(devices)) : render(what, devices, !name))),
    );
}

async function show(verb: string, dir: string, name: string | undefined, print: (devices: DmDeviceView[]) => string): Promise<void> {
  const text = await withWorkspace(`dmsetup ${verb}`, dir, async (engine) => {
    const { devices } = await engine.handlers['dm.list']({});
    const chosen = name ? devices.filter((d) => d.name === name) : devices;
    if (name && !chosen.length) throw new LvmscopeError('NOT_FOUND', `There is no mapped device named ${name}; the devices are ${devices.map((d) => d.name).join(', ') || '(none)'}.`);
    return print(chosen.sort((a, b) => (a.name < b.name ? -1 : 1)));
  });
  process.stdout.write(text || 'No devices found\n');
}

const devno = (d: DmDeviceView) => `(${d.devno.replace(':', ', ')})`;

function ls(devices: DmDeviceView[]): string {
  const width = Math.max(0, ...devices.map((d) => d.name.length));
  return devices.map((d) => `${d.name.padEnd(width)}\t${devno(d)}\n`).join('');
}

function tree(devices: DmDeviceView[]): string {
  const byDevno = new Map(devices.map((d) => [d.devno, d]));
  const used = new Set(devices.flatMap((d) => d.dependsOn));
  const lines: string[] = [];
  const walk = (d: DmDeviceView, prefix: string, last: boolean, top: boolean) => {
    lines.push(top ? `${d.name} ${devno(d)}` : `${prefix}${last ? '`-' : '|-'}${d.name} ${devno(d)}`);
    const children = d.dependsOn;
    children.forEach((c, i) => {
      const child = byDevno.get(c);
      const childPrefix = top ? ' ' : `${prefix}${last ? '  ' : '| '}`;
      if (child) walk(child, childPrefix, i === children.length - 1, false);
      else lines.push(`${childPrefix}${i === children.length - 1 ? '`-' : '|-'} (${c.replace(':', ':')})`);
    });
  };
  for (const d of devices.filter((x) => !used.has(x.devno))) walk(d, '', true, true);
  return lines.map((l) => `${l}\n`).join('');
}

function render(what: 'table' | 'status' | 'info', devices: DmDeviceView[], prefixNames: boolean): string {
  if (what === 'info') return devices.map(info).join('\n');
  return devices
    .flatMap((d) => {
      const lines = what === 'table' ? formatTable(d.live ?? []) : d.status;
      return lines.map((l) => (prefixNames ? `${d.name}: ${l}` : l));
    })
    .map((l) => `${l}\n`)
    .join('');
}

function info(d: DmDeviceView): string {
  const tables = d.live && d.inactive ? 'LIVE & INACTIVE' : d.live ? 'LIVE' : d.inactive ? 'INACTIVE' : 'None';
  const [major, minor] = d.devno.split(':');
  return [
    `Name:              ${d.name}`,
    `State:             ${d.state}`,
    `Read Ahead:        256`,
    `Tables present:    ${tables}`,
    `Open count:        ${d.openCount}`,
    `Event number:      ${d.eventNr}`,
    `Major, minor:      ${major}, ${minor}`,
    `Number of targets: ${(d.live ?? []).length}`,
    `UUID: ${d.uuid}`,
    '',
  ].join('\n');
}
