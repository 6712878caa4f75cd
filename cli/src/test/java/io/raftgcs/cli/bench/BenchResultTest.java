package io.raftgcs.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BenchResultTest {
  @Test
  void runnerCountsOpsAndErrorsAndPrintsFixedSummary() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    BenchResult r = BenchRunner.run("t", 4, 1000, () -> calls.incrementAndGet() % 10 == 0
        ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
        : CompletableFuture.supplyAsync(() -> 1));
    assertEquals(1100, calls.get(), "1000 timed + 100 warm-up");
    assertEquals(1000, r.latencyMicros().getTotalCount());
    assertTrue(r.errors() >= 99 && r.errors() <= 101, "errors " + r.errors());
    assertTrue(r.summaryLine().matches("ops=1000 clients=4 throughput_per_s=\\d+\\.\\d "
        + "p50_ms=\\d+\\.\\d{3} p99_ms=\\d+\\.\\d{3} max_ms=\\d+\\.\\d{3} errors=\\d+"),
        r.summaryLine());
    assertEquals("boom", r.firstError().getMessage());
  }
}
