package io.raftgcs.cli.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Outcome of one timed run; latencies in microseconds. */
record BenchResult(String name, int ops, int clients, long elapsedNanos, long errors,
    Throwable firstError, Histogram latencyMicros) {

  double throughputPerSecond() {
    return ops / (elapsedNanos / 1e9);
  }

  double ms(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMs() {
    return latencyMicros.getMaxValue() / 1000.0;
  }

  String humanLine() {
    return String.format(Locale.ROOT,
        "%s: %d ops by %d clients in %.2f s: %.1f ops/s; latency ms p50=%.3f p90=%.3f "
            + "p99=%.3f p99.9=%.3f max=%.3f; errors=%d",
        name, ops, clients, elapsedNanos / 1e9, throughputPerSecond(), ms(50), ms(90), ms(99),
        ms(99.9), maxMs(), errors);
  }

  /** The machine-readable last line; its format is fixed. */
  String summaryLine() {
    return String.format(Locale.ROOT,
        "ops=%d clients=%d throughput_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d",
        ops, clients, throughputPerSecond(), ms(50), ms(99), maxMs(), errors);
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bench", name);
    m.put("ops", ops);
    m.put("clients", clients);
    m.put("elapsed_s", elapsedNanos / 1e9);
    m.put("throughput_per_s", throughputPerSecond());
    m.put("p50_ms", ms(50));
    m.put("p90_ms", ms(90));
    m.put("p99_ms", ms(99));
    m.put("p999_ms", ms(99.9));
    m.put("max_ms", maxMs());
    m.put("errors", errors);
    return m;
  }
}
