package io.raftgcs.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The side-by-side table and the acceptance line. Columns: throughput, p50 and p99 latency; the CPU the
 * system's three servers used per operation ("cpu/op") and per second ("cores": the share of the machine
 * they got) in the measured window, for the closed-loop rows; the raftgcs/peer ratio.
 */
public final class Table {
  private Table() {}

  static boolean latencyMetric(String workload) {
    return workload.startsWith("watch") || workload.startsWith("failover");
  }

  static Optional<Result> find(List<Result> rs, String workload, String system) {
    return rs.stream().filter(r -> r.workload().equals(workload) && r.system().equals(system)).findFirst();
  }

  /** raftgcs/peer: throughput ratio, or latency ratio (p50) for watch and failover; NaN if unknown. */
  static double ratio(List<Result> rs, String workload, String peer) {
    Optional<Result> ours = find(rs, workload, "raftgcs");
    Optional<Result> theirs = find(rs, workload, peer);
    if (ours.isEmpty() || theirs.isEmpty()) {
      return Double.NaN;
    }
    return latencyMetric(workload) ? ours.get().p50Micros() / theirs.get().p50Micros()
        : ours.get().throughput() / theirs.get().throughput();
  }

  static String render(List<Result> rs) {
    Map<String, List<Result>> byWorkload = new LinkedHashMap<>();
    for (Result r : rs) {
      byWorkload.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-16s %-8s %12s %10s %10s %11s %9s %14s  %s%n", "workload", "system",
        "throughput", "p50", "p99", "cpu/op", "cores", "raftgcs/peer", "notes"));
    for (var e : byWorkload.entrySet()) {
      for (Result r : e.getValue()) {
        String ratio = "";
        if (!r.system().equals("raftgcs")) {
          double x = ratio(rs, r.workload(), r.system());
          ratio = Double.isNaN(x) ? "n/a"
              : String.format(Locale.ROOT, "%.2fx %s", x, latencyMetric(r.workload()) ? "lat" : "tput");
        }
        String note = r.note() == null ? "" : r.note();
        if (r.errors() > 0) {
          note = (note.isEmpty() ? "" : note + "; ") + r.errors() + " errors";
        }
        sb.append(String.format(Locale.ROOT, "%-16s %-8s %12s %10s %10s %11s %9s %14s  %s%n", r.workload(),
            r.system(), Double.isNaN(r.throughput()) ? "-" : String.format(Locale.ROOT, "%,.0f/s", r.throughput()),
            ms(r.p50Micros()), ms(r.p99Micros()), cpuPerOp(r.cpuPerOpMicros()), cores(r.serverCores()), ratio,
            note));
      }
    }
    return sb.toString();
  }

  /** The servers' CPU per operation, in milliseconds with three decimals (reads cost tens of microseconds). */
  static String cpuPerOp(double micros) {
    return Double.isNaN(micros) ? "-" : String.format(Locale.ROOT, "%.3f ms", micros / 1000);
  }

  /** The cores the servers used on average over the window. */
  static String cores(double cores) {
    return Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.2f", cores);
  }

  static String ms(double micros) {
    if (Double.isNaN(micros)) {
      return "-";
    }
    double ms = micros / 1000;
    return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f ms", ms);
  }

  static String acceptanceLine(List<Result> rs) {
    return String.format(Locale.ROOT, "put64_ratio_etcd=%s put256_ratio_etcd=%s get64_ratio_etcd=%s failover_ratio_zk=%s",
        fmt(ratio(rs, "put c=64", "etcd")), fmt(ratio(rs, "put c=256", "etcd")),
        fmt(ratio(rs, "get lin c=64", "etcd")), fmt(ratio(rs, "failover", "zk")));
  }

  private static String fmt(double x) {
    return Double.isNaN(x) ? "NA" : String.format(Locale.ROOT, "%.2f", x);
  }
}
