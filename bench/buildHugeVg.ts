// `npx tsx bench/buildHugeVg.ts DIR [--mover]`: writes the big VG (bench/bigVg.ts HUGE; with
// --mover also the 1 TiB LV HUGE_MOVER) into DIR in a
// process of its own. The UI test builds it this way so that nothing the build leaves behind
// (open handles, timers) shares a process with the browser it drives.
import { buildHugeVg } from './bigVg';

const dir = process.argv[2];
if (!dir || dir.startsWith('-')) {
  console.error('usage: npx tsx bench/buildHugeVg.ts DIR [--mover]');
  process.exit(2);
}
buildHugeVg(dir, {}, process.argv.includes('--mover')).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
