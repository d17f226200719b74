// Preloaded (node --import) into every child the launcher starts. A launcher
// killed with SIGKILL cannot stop its children, and they run in process
// groups of their own, so without this Next would keep the port and answer
// "db: down" for a database that died with the launcher. When this process
// is re-parented (its parent is gone), it stops its own process group, which
// holds whatever it started itself, and exits.
const parent = process.ppid;

const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  console.error(`[launcher] parent ${parent} is gone; pid ${process.pid} stops too`);
  setTimeout(() => process.exit(1), 5_000).unref();
  try {
    process.kill(-process.pid, "SIGTERM");
  } catch {
    process.exit(1);
  }
}, 250);
watch.unref();
