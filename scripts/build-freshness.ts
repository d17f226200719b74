import fs from "node:fs";
import path from "node:path";

/** What a production build is made from: when any of it is newer than the build, the build is stale. */
const sourceDirs = ["app", "components", "lib", "db", "inngest"];
const sourceFiles = ["next.config.mjs", "package-lock.json"];

/** Newest modification time (ms) among the app's sources under `root`. */
export function newestSourceMtime(root = "."): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of sourceDirs) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const file of sourceFiles) {
    const full = path.join(root, file);
    if (fs.existsSync(full)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The production build's id and whether it is older than the sources; undefined when there is none. */
export function buildStatus(root = "."): { id: string; stale: boolean } | undefined {
  const buildFile = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildFile)) return undefined;
  return {
    id: fs.readFileSync(buildFile, "utf8").trim(),
    stale: fs.statSync(buildFile).mtimeMs < newestSourceMtime(root),
  };
}
