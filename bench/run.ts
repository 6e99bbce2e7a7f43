// `make bench`: runs every bench/*.bench.ts in its own process, one after the
// other (they measure wall time and peak RSS, so they must not overlap), and
// prints their figures. `make bench BENCH_ARGS=list` runs only names matching.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv[2];
const dir = import.meta.dir;
const benches = readdirSync(dir).filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter))).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const proc = Bun.spawn([process.execPath, "run", join(dir, file)], { stdout: "inherit", stderr: "inherit", env: { ...process.env, CBOR_NATIVE_ACCELERATION_DISABLED: "true" } });
  const code = await proc.exited;
  if (code !== 0) {
    failed++;
    console.log(`!!! ${file} exited ${code}`);
  }
}
console.log(`\n${benches.length - failed} benchmarks met their targets, ${failed} did not.`);
process.exit(failed ? 1 : 0);
