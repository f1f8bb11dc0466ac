// A steady node worker: reports its uptime and memory every 2.5 s; exits 0 on the stop signal (SIGINT).
const started = Date.now();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`heartbeat: got ${signal}, bye`);
    process.exit(0);
  });
}
console.log(`heartbeat: up (node ${process.version})`);
setInterval(() => {
  const uptime = ((Date.now() - started) / 1000).toFixed(1);
  const rss = (process.memoryUsage().rss / 1024 / 1024).toFixed(1);
  console.log(`alive for ${uptime} s, rss ${rss} MB`);
}, 2500);
