import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom, canonicalJson, seedFromCoordinates, sha256File, stableHash, writeFileAtomic } from "@i3/core";

const order = SeededRandom.from(42, "epoch", 0).shuffle(["q1", "q2", "q3", "q4", "q5"]);
const stepSeed = seedFromCoordinates(42, 100, 0); // run seed, step, micro-batch
const settings = { lr: 5e-4, model: { layers: 1, dim: 128 } };
const file = join(mkdtempSync(join(tmpdir(), "i3-core-example-")), "settings.json");
await writeFileAtomic(file, canonicalJson(settings));

console.log(order.join(" "), stepSeed);
console.log(canonicalJson(settings));
export const same = (await sha256File(file)) === stableHash({ model: { dim: 128, layers: 1 }, lr: 5e-4 });
console.log(same);
