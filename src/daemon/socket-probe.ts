// Asks the kernel whether something listens on a unix socket, without speaking the protocol.

import { connect } from 'node:net';

// True when a connection to the socket is accepted within the timeout; false on ENOENT, ECONNREFUSED or timeout.
export function socketAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(socketPath);
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(answered);
    };
    // The kernel accepts a connection even while the listener's event loop is busy, so a hung daemon still answers.
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
