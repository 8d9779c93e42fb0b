// Proves images made by Debian's own tools (mkfs.ext2/3/4, mkfs.xfs, mkfs.btrfs, mkfs.vfat,
// mkswap with 4 KiB and 64 KiB pages, cryptsetup luksFormat LUKS1 and LUKS2, sfdisk MBR and
// GPT, genisoimage, make-bcache) are never labelled by `lvmscope pvcreate`, `vgcreate` or
// `vgextend` without --force: each refusal is one sentence naming what the image holds, and
// every image is byte for byte unchanged (sha256) after all of them. The detector agrees with
// util-linux's `wipefs --no-act` (libblkid) on the type and offset of every signature. With
// --force each command labels the images, `wipefs` then finds nothing but the LVM2 label (the
// old magics were wiped, as LVM2's pvcreate -f does), and real LVM2's `pvs` lists every image
// as a PV of the VG lvmscope put it in.

import { execFileSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingTools } from '../../helpers/tools';
import { withLoopDevices } from '../../helpers/lvm2';
import { cli, imageDigests, isOneSentence, removeDir, tempDir } from '../../main/cli/run';

const MiB = 1024 * 1024;

interface Made {
  image: string;
  /** The phrase lvmscope's sentence must contain. */
  phrase: RegExp;
  sizeMiB: number;
  make: (file: string, dir: string) => void;
}

const run = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input, encoding: 'utf8' });

const MADE: Made[] = [
  { image: 'ext2.img', sizeMiB: 16, phrase: /an ext2 filesystem \(label "e2"\)/, make: (f) => run('mkfs.ext2', ['-q', '-F', '-L', 'e2', f]) },
  { image: 'ext3.img', sizeMiB: 16, phrase: /an ext3 filesystem/, make: (f) => run('mkfs.ext3', ['-q', '-F', f]) },
  { image: 'ext4.img', sizeMiB: 16, phrase: /an ext4 filesystem \(label "data"\)/, make: (f) => run('mkfs.ext4', ['-q', '-F', '-L', 'data', f]) },
  { image: 'xfs.img', sizeMiB: 300, phrase: /an xfs filesystem \(label "xl"\)/, make: (f) => run('mkfs.xfs', ['-q', '-f', '-L', 'xl', f]) },
  { image: 'btrfs.img', sizeMiB: 128, phrase: /a btrfs filesystem \(label "bl"\)/, make: (f) => run('mkfs.btrfs', ['-q', '-f', '-L', 'bl', f]) },
  { image: 'vfat.img', sizeMiB: 40, phrase: /a vfat \(FAT32\) filesystem \(label "VLABEL"\)/, make: (f) => run('mkfs.vfat', ['-F', '32', '-n', 'VLABEL', f]) },
  { image: 'fat16.img', sizeMiB: 16, phrase: /a vfat \(FAT16\) filesystem/, make: (f) => run('mkfs.vfat', ['-F', '16', f]) },
  { image: 'swap.img', sizeMiB: 16, phrase: /a swap area \(4 KiB pages\) \(label "sw"\)/, make: (f) => run('mkswap', ['-L', 'sw', f]) },
  { image: 'swap64k.img', sizeMiB: 16, phrase: /a swap area \(64 KiB pages\)/, make: (f) => run('mkswap', ['-p', '65536', f]) },
  { image: 'luks1.img', sizeMiB: 16, phrase: /a LUKS1 encrypted volume/, make: (f, d) => run('cryptsetup', ['luksFormat', '-q', '--type', 'luks1', '--pbkdf-force-iterations', '1000', f, path.join(d, 'key')]) },
  { image: 'luks2.img', sizeMiB: 32, phrase: /a LUKS2 encrypted volume \(label "cl"\)/, make: (f, d) => run('cryptsetup', ['luksFormat', '-q', '--type', 'luks2', '--label', 'cl', '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000', f, path.join(d, 'key')]) },
  { image: 'mbr.img', sizeMiB: 16, phrase: /an MBR \(dos\) partition table with 1 partition/, make: (f) => run('sfdisk', ['-q', f], 'label: dos\n,8M,83\n') },
  { image: 'gpt.img', sizeMiB: 16, phrase: /a GPT partition table/, make: (f) => run('sfdisk', ['-q', f], 'label: gpt\n,8M\n') },
  {
    image: 'iso.img',
    sizeMiB: 0,
    phrase: /an iso9660 \(CD\/DVD\) filesystem \(label "ISOVOL"\)/,
    make: (f, d) => {
      mkdirSync(path.join(d, 'isofiles'), { recursive: true });
      writeFileSync(path.join(d, 'isofiles', 'hello.txt'), 'hello\n');
      run('genisoimage', ['-quiet', '-V', 'ISOVOL', '-o', f, path.join(d, 'isofiles')]);
      truncateSync(f, 4 * MiB); // pvcreate needs 2 MiB; the ISO's own size is a few hundred KiB
    },
  },
  { image: 'bcache.img', sizeMiB: 16, phrase: /a bcache device/, make: (f) => run('make-bcache', ['-B', f]) },
];

/** wipefs --no-act: every signature libblkid finds, as [type, offset]. */
function wipefs(file: string): Array<[string, number]> {
  const out = run('wipefs', ['--no-act', '--json', file]).trim();
  if (!out) return [];
  const json = JSON.parse(out) as { signatures: Array<{ type: string; offset: string }> };
  return json.signatures.map((s) => [s.type, Number(s.offset)]);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function makeWorkspace(): { dir: string; images: string[] } {
  const dir = tempDir('lvmscope-signatures-');
  dirs.push(dir);
  writeFileSync(path.join(dir, 'key'), 'passphrase');
  const work = path.join(dir, 'ws');
  mkdirSync(work);
  for (const m of MADE) {
    const file = path.join(work, m.image);
    if (m.sizeMiB) {
      writeFileSync(file, '');
      truncateSync(file, m.sizeMiB * MiB);
    }
    m.make(file, dir);
  }
  writeFileSync(path.join(work, 'blank.img'), '');
  truncateSync(path.join(work, 'blank.img'), 16 * MiB);
  return { dir: work, images: MADE.map((m) => m.image) };
}

const TOOLS = ['lvm', 'losetup', 'root', 'wipefs', 'mkfs.ext4', 'mkfs.xfs', 'mkfs.btrfs', 'mkfs.vfat', 'mkswap', 'cryptsetup', 'sfdisk', 'genisoimage', 'make-bcache'];

describe.skipIf(missingTools(...TOOLS))('images made by mkfs and friends', () => {
  it('are found where libblkid finds them, and never labelled without --force (one sentence each, every byte unchanged)', () => {
    const { dir } = makeWorkspace();
    const created = cli('vgcreate', dir, 'vgx', 'blank.img');
    expect(created.status, created.stderr).toBe(0);
    const afterSetup = imageDigests(dir);
    for (const m of MADE) {
      const libblkid = wipefs(path.join(dir, m.image));
      expect(libblkid.length, `${m.image}: wipefs finds something`).toBeGreaterThan(0);
      for (const [verb, args] of [
        ['pvcreate', [m.image]],
        ['vgcreate', ['vgnew', m.image]],
        ['vgextend', ['vgx', m.image]],
      ] as const) {
        const r = cli(verb, dir, ...args);
        expect(r.status, `${verb} ${m.image}: ${r.stdout}`).toBe(1);
        expect(isOneSentence(r.stderr), r.stderr).toBe(true);
        expect(r.stderr).toMatch(new RegExp(`${m.image.replace('.', '\\.')} holds ${m.phrase.source}.*: ${verb} would destroy it; .*add --force to wipe it`));
      }
    }
    expect(imageDigests(dir)).toEqual(afterSetup);
  });

  it('agree with wipefs on the type and offset of each signature', async () => {
    const { dir } = makeWorkspace();
    const { signaturesOf } = await import('../../../app/lvm/commands/newPv');
    const { FileBlockStore } = await import('../../../main/node/fileStorage');
    for (const m of MADE) {
      const store = await FileBlockStore.open(path.join(dir, m.image));
      try {
        const found = await signaturesOf(store);
        const libblkid = wipefs(path.join(dir, m.image)).filter(([type]) => type !== 'PMBR'); // GPT's protective MBR: wiped with the GPT
        expect(found.map((s) => s.type).sort(), m.image).toEqual([...new Set(libblkid.map(([type]) => type))].sort());
        for (const s of found) expect(libblkid.map(([, offset]) => offset), `${m.image} ${s.type} at ${s.offsetBytes}`).toContain(s.offsetBytes);
      } finally {
        await store.close();
      }
    }
  });

  it('with --force are labelled, keep no other signature, and real LVM2 lists them as PVs of their VGs', async () => {
    const { dir, images } = makeWorkspace();
    const third = Math.ceil(images.length / 3);
    const [byPvcreate, byVgcreate, byVgextend] = [images.slice(0, third), images.slice(third, 2 * third), images.slice(2 * third)];
    for (const image of byPvcreate) {
      const r = cli('pvcreate', dir, image, '--force');
      expect(r.status, `${image}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Physical volume "${image.replace(/\.img$/, '')}" successfully created.`);
    }
    const vgc = cli('vgcreate', dir, 'vgf', '-s', '1M', '--force', ...byVgcreate);
    expect(vgc.status, vgc.stderr).toBe(0);
    const vge = cli('vgextend', dir, 'vgf', '--force', ...byVgextend);
    expect(vge.status, vge.stderr).toBe(0);
    for (const image of images) expect(wipefs(path.join(dir, image)).map(([type]) => type), image).toEqual(['LVM2_member']);
    const paths = images.map((i) => path.join(dir, i));
    await withLoopDevices(paths, (a) => {
      const rows = a.report('pvs', '-o', 'pv_name,vg_name');
      const vgOf = new Map(rows.map((r) => [r.pv_name, r.vg_name]));
      for (const image of byPvcreate) expect(vgOf.get(image.replace(/\.img$/, '')), image).toBe('');
      for (const image of [...byVgcreate, ...byVgextend]) expect(vgOf.get(image.replace(/\.img$/, '')), image).toBe('vgf');
      a.lvm('vgck', 'vgf');
    });
  });
});
