#!/usr/bin/env bash
# A steady bash worker: prints a tick every 2 s; says goodbye on the stop signal (SIGINT) and exits 0.
trap 'echo "ticker: got SIGINT, bye"; exit 0' INT TERM
echo "ticker: up (bash $BASH_VERSION)"
n=0
while true; do
  sleep 2
  n=$((n + 1))
  echo "tick $n"
done
