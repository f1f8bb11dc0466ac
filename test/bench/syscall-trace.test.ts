// The parser behind the benchmark's exit -> respawn reaction (bench/daemon/syscall-trace.ts), on perf trace output.
import { describe, expect, it } from 'vitest';
import { respawnsFromTrace } from '../../bench/daemon/syscall-trace.js';

const TRACE = `
     0.000 ( 0.991 ms): node/100 clone(clone_flags: CHILD_CLEARTID|CHILD_SETTID|0x11, child_tidptr: 0x7f8c114d1f50) = 201 (getconf)
     5.000 ( 0.200 ms): node/100 clone3(clone_flags: VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID, size: 88) = 150 (node)
    20.000 ( 0.085 ms): node/100 wait4(upid: 201 (getconf), stat_addr: 0x7ffd2338034c, options: NOHANG) = 201 (getconf)
    29.000 ( 0.800 ms): node/100 clone(clone_flags: CHILD_CLEARTID|CHILD_SETTID|0x11, child_tidptr: 0x7f8c114d1f50) = 202 (node)
   240.000 ( 0.010 ms): node/100 wait4(upid: 202 (node), stat_addr: 0x7ffd2338034c, options: NOHANG) = 
   393.600 ( 0.100 ms): node/100 wait4(upid: 202 (node), stat_addr: 0x7ffd2338034c, options: NOHANG) = 202 (node)
   394.500 ( 0.300 ms): node/100 clone3(clone_flags: VM|FS|FILES|SIGHAND|THREAD|SYSVSEM, size: 88) = 151 (node)
   395.200 ( 0.700 ms): node/100 clone(clone_flags: CHILD_CLEARTID|CHILD_SETTID|0x11, child_tidptr: 0x7f8c114d1f50) = 203 (node)
   726.000 ( 0.500 ms): node/100 wait4(upid: 203 (node), stat_addr: 0x7ffd2338034c, options: NOHANG) = 203 (node)
   728.000 ( 0.600 ms): node/100 clone(clone_flags: CHILD_CLEARTID|CHILD_SETTID|0x11, child_tidptr: 0x7f8c114d1f50) = 204 (node)
   900.000 ( 0.600 ms): node/100 wait4(upid: 204 (node), stat_addr: 0x7ffd2338034c, options: NOHANG) = 204 (node)
`;

describe('respawnsFromTrace', () => {
  it('pairs each reaped long-lived process with the next fork, from wait4 returning to clone beginning', () => {
    const respawns = respawnsFromTrace(TRACE);
    expect(respawns).toHaveLength(2);
    expect(respawns[0]!.reactionMs).toBeCloseTo(395.2 - 393.7, 6);
    expect(respawns[0]!.forkMs).toBeCloseTo(0.7, 6);
    expect(respawns[1]!.reactionMs).toBeCloseTo(728 - 726.5, 6);
  });

  it('skips short-lived helpers, thread creations, empty wait4 returns and a last exit with no respawn', () => {
    const respawns = respawnsFromTrace(TRACE);
    // getconf (reaped 20 ms after its fork) is not an app exit, so the fork at 29 ms is no respawn.
    expect(respawns.every((respawn) => respawn.reactionMs > 0 && respawn.reactionMs < 5)).toBe(true);
    expect(respawnsFromTrace(TRACE, 1000)).toEqual([]);
  });

  it('reads command names with spaces, as PM2 names its daemon', () => {
    const pm2 = TRACE.replaceAll('node/100', 'PM2 v7.0.4: God/100');
    expect(respawnsFromTrace(pm2)).toEqual(respawnsFromTrace(TRACE));
  });

  it('reads nothing from text that is not perf trace output', () => {
    expect(respawnsFromTrace('')).toEqual([]);
    expect(respawnsFromTrace('garbage\n  1.0 (x ms): node clone() =\n')).toEqual([]);
  });
});
