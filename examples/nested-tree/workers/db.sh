#!/usr/bin/env bash
# A pretend database in bash: says it is ready, then idles; exits 0 on the stop signal (SIGINT).
trap 'echo "db: got SIGINT, closing"; exit 0' INT TERM
echo "db: ready to accept connections (pid $$)"
while true; do sleep 5; done
