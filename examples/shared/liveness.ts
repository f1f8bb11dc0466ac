// Whether a process is still alive: exists and is not a zombie (a zombie holds nothing but its pid).
export { isProcessAlive as isAlive } from '../../src/process/liveness.js';
