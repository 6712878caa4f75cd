package io.raftgcs.bench;

import org.HdrHistogram.Histogram;

/**
 * One row of the table. Latencies in microseconds; NaN when not applicable. {@code cpuPerOpMicros} is
 * the CPU the system's three servers used per operation in the measured window, and {@code serverCores}
 * the CPU they used per second of it (how much of the machine they got); NaN where not measured.
 */
public record Result(String workload, String system, double throughput, double p50Micros,
    double p99Micros, long errors, String note, double cpuPerOpMicros, double serverCores) {

  Result(String workload, String system, double throughput, double p50Micros, double p99Micros,
      long errors, String note) {
    this(workload, system, throughput, p50Micros, p99Micros, errors, note, Double.NaN, Double.NaN);
  }

  static Result of(String workload, String system, long ops, double seconds, Histogram h,
      long errors, String note) {
    boolean any = h.getTotalCount() > 0;
    return new Result(workload, system, seconds > 0 ? ops / seconds : Double.NaN,
        any ? h.getValueAtPercentile(50) : Double.NaN, any ? h.getValueAtPercentile(99) : Double.NaN,
        errors, note);
  }

  /** This row with the servers' CPU: {@code cpuNanos} used over {@code seconds} for {@code ops} operations. */
  Result withServerCpu(long cpuNanos, long ops, double seconds) {
    return new Result(workload, system, throughput, p50Micros, p99Micros, errors, note,
        ops > 0 ? cpuNanos / 1000.0 / ops : Double.NaN, seconds > 0 ? cpuNanos / 1e9 / seconds : Double.NaN);
  }

  /** Tab-separated, for the results file. The CPU fields come last, so older files still parse. */
  String tsv() {
    return String.join("\t", workload, system, Double.toString(throughput), Double.toString(p50Micros),
        Double.toString(p99Micros), Long.toString(errors), note == null ? "" : note,
        Double.toString(cpuPerOpMicros), Double.toString(serverCores));
  }

  static Result fromTsv(String line) {
    String[] f = line.split("\t", -1);
    return new Result(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
        Double.parseDouble(f[4]), Long.parseLong(f[5]), f.length > 6 ? f[6] : "",
        f.length > 7 ? Double.parseDouble(f[7]) : Double.NaN, f.length > 8 ? Double.parseDouble(f[8]) : Double.NaN);
  }
}
