// Keeps package-lock.json acceptable to `npm ci` on machines whose npm mirror
// lacks other platforms' optional binaries (here: Next's SWC builds for macOS
// and Windows). `npm install` there silently leaves them out of the lock, and
// `npm ci` then refuses the lock as out of sync with next's optionalDependencies.
// This adds a platform-tagged entry for each missing one; npm skips them on
// Linux without downloading anything. Run after changing dependencies:
//   node scripts/lockfile-platform-entries.mjs
import fs from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const platforms = {
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "win32-arm64-msvc": { os: ["win32"], cpu: ["arm64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
};
const next = lock.packages["node_modules/next"];
let added = 0;
for (const [name, version] of Object.entries(next?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  const suffix = name.replace("@next/swc-", "");
  if (lock.packages[key] || !platforms[suffix]) continue;
  lock.packages[key] = {
    version,
    ...platforms[suffix],
    license: "MIT",
    optional: true,
    engines: { node: ">= 10" },
  };
  added++;
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`package-lock.json: added ${added} platform entr${added === 1 ? "y" : "ies"}`);
