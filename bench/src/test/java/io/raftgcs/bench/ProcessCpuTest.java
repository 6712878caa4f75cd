package io.raftgcs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void countsFieldsFromTheLastParenthesisSoOddCommandNamesParse() {
    // Fields 14 and 15 (utime, stime) are 170 and 25; the name holds spaces and a ')'.
    String stat = "4242 (odd ) name) S 1 4242 4242 0 -1 4194560 500 0 0 0 170 25 0 0 20 0 31 0 100 0 0";
    assertEquals(195, ProcessCpu.ticks(stat));
  }

  @Test
  void readsThisJvmsOwnCpuAndGrowsWithWork() {
    long pid = ProcessHandle.current().pid();
    long before = ProcessCpu.nanos(pid);
    assertTrue(before >= 0, "no /proc/<pid>/stat for this JVM");
    long x = 0;
    long end = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    assertTrue(ProcessCpu.nanos(pid) > before, "300 ms of spinning used no CPU? " + x);
  }

  @Test
  void aProcessThatIsNotRunningReadsAsUnknown() {
    assertEquals(-1, ProcessCpu.nanos(-5));
    assertEquals(-1, ProcessCpu.nanos(Long.MAX_VALUE));
  }
}
