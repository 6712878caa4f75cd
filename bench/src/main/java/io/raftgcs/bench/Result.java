package io.raftgcs.bench;

import org.HdrHistogram.Histogram;

/** One row of the table. Latencies in microseconds; NaN when not applicable. */
public record Result(String workload, String system, double throughput, double p50Micros,
    double p99Micros, long errors, String note) {

  static Result of(String workload, String system, long ops, double seconds, Histogram h,
      long errors, String note) {
    boolean any = h.getTotalCount() > 0;
    return new Result(workload, system, seconds > 0 ? ops / seconds : Double.NaN,
        any ? h.getValueAtPercentile(50) : Double.NaN, any ? h.getValueAtPercentile(99) : Double.NaN,
        errors, note);
  }

  /** Tab-separated, for the results file. */
  String tsv() {
    return String.join("\t", workload, system, Double.toString(throughput), Double.toString(p50Micros),
        Double.toString(p99Micros), Long.toString(errors), note == null ? "" : note);
  }

  static Result fromTsv(String line) {
    String[] f = line.split("\t", -1);
    return new Result(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
        Double.parseDouble(f[4]), Long.parseLong(f[5]), f.length > 6 ? f[6] : "");
  }
}
