// A pretend mail sender in node: the other 'jobs' worker; exits 0 on the stop signal (SIGINT).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`mailer: got ${signal}, bye`);
    process.exit(0);
  });
}
console.log(`mailer: up (pid ${process.pid}), sending`);
setInterval(() => {}, 60_000);
