// A pretend API server in node: started last, after db and jobs; exits 0 on the stop signal (SIGINT).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`api: got ${signal}, bye`);
    process.exit(0);
  });
}
console.log(`api: up (pid ${process.pid}), serving`);
setInterval(() => {}, 60_000);
