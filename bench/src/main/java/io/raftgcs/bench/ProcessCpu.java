package io.raftgcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (user + system), read from {@code /proc/<pid>/stat}. The harness samples
 * the three members of the system under test at the start and the end of each measured window, so every
 * row can say how much CPU the servers spent per operation and how much of the machine they got.
 * Stateless; any thread.
 */
final class ProcessCpu {
  /** Linux reports these fields in USER_HZ ticks, which is 100 per second on every architecture we run. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** Nanoseconds of CPU used so far by {@code pid}, or -1 if it is not running (or this is not Linux). */
  static long nanos(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime from one {@code stat} line. The command name (field 2) is in parentheses and may hold
   * spaces or parentheses itself, so fields are counted from the last ')'.
   */
  static long ticks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    // After ") ": field 3 (state) is index 0, so utime (field 14) is index 11 and stime (15) index 12.
    String[] f = stat.substring(close + 2).trim().split(" +");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
