// `npx tsx bench/buildHugeVg.ts DIR`: writes the big VG (bench/bigVg.ts HUGE) into DIR in a
// process of its own. The UI test builds it this way so that nothing the build leaves behind
// (open handles, timers) shares a process with the browser it drives.
import { buildHugeVg } from './bigVg';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx bench/buildHugeVg.ts DIR');
  process.exit(2);
}
buildHugeVg(dir).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
