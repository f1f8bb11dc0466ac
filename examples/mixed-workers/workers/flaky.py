# A python worker that crashes now and then: works for a random 1-4 s, then exits with code 1.
import random
import signal
import sys
import time


def stop(signum, frame):
    print("flaky: got SIGINT, bye", flush=True)
    sys.exit(0)


signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)

lifetime = random.uniform(1.0, 4.0)
print(f"flaky: up (python {sys.version.split()[0]}), will crash in {lifetime:.1f} s", flush=True)
time.sleep(lifetime)
print("flaky: something went wrong, exiting with code 1", file=sys.stderr, flush=True)
sys.exit(1)
