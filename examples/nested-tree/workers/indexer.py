# A pretend indexing job in python: one of the two 'jobs' workers; exits 0 on the stop signal (SIGINT).
import os
import signal
import sys
import time


def stop(signum, frame):
    print("indexer: got SIGINT, bye", flush=True)
    sys.exit(0)


signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
print(f"indexer: up (pid {os.getpid()}), indexing", flush=True)
while True:
    time.sleep(5)
