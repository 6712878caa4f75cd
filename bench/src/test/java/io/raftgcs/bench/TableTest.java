package io.raftgcs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  private static Result r(String w, String sys, double tput, double p50) {
    return new Result(w, sys, tput, p50, p50 * 2, 0, "");
  }

  @Test
  void ratiosAreThroughputForLoadRowsAndLatencyForFailover() {
    List<Result> rs = List.of(r("put c=64", "raftgcs", 6000, 1000), r("put c=64", "etcd", 3000, 2000),
        r("failover", "raftgcs", Double.NaN, 400_000), r("failover", "zk", Double.NaN, 500_000));
    assertEquals(2.0, Table.ratio(rs, "put c=64", "etcd"), 1e-9);
    assertEquals(0.8, Table.ratio(rs, "failover", "zk"), 1e-9);
    String line = Table.acceptanceLine(rs);
    assertEquals("put64_ratio_etcd=2.00 put256_ratio_etcd=NA get64_ratio_etcd=NA failover_ratio_zk=0.80", line);
    assertTrue(Table.render(rs).contains("2.00x tput"));
  }

  @Test
  void followerReadRowSitsBetweenTheLinearizableAndStaleRows() {
    assertTrue(Compare.order("get lin c=256") < Compare.order("get lin-any c=64"));
    assertTrue(Compare.order("get lin-any c=64") < Compare.order("get stale c=64"));
    assertTrue(Compare.order("watch n=100") < Compare.order("failover"));
    assertEquals(Compare.order("no such row"), Compare.order("another unknown row"));
  }

  @Test
  void resultsRoundTripThroughTsv() {
    Result a = new Result("get lin c=64", "zk", 1234.5, 800, 9000, 3, "sync+getData");
    assertEquals(a, Result.fromTsv(a.tsv()));
    Result b = a.withServerCpu(2_000_000_000L, 4_000, 2.0);
    assertEquals(b, Result.fromTsv(b.tsv()));
  }

  @Test
  void olderResultFilesWithoutCpuFieldsStillParse() {
    Result r = Result.fromTsv("put c=64\tetcd\t2749.0\t20300.0\t72000.0\t0\t");
    assertEquals(2749.0, r.throughput(), 1e-9);
    assertTrue(Double.isNaN(r.cpuPerOpMicros()));
    assertTrue(Table.render(List.of(r)).contains(" - "));
  }

  @Test
  void serverCpuBecomesPerOperationAndCoresColumns() {
    // 1.5 s of server CPU over a 2 s window in which 3,000 operations completed.
    Result r = r("put c=64", "raftgcs", 1500, 1000).withServerCpu(1_500_000_000L, 3_000, 2.0);
    assertEquals(500.0, r.cpuPerOpMicros(), 1e-9);
    assertEquals(0.75, r.serverCores(), 1e-9);
    String table = Table.render(List.of(r));
    assertTrue(table.contains("0.500 ms"), table);
    assertTrue(table.contains("0.75"), table);
    assertTrue(Double.isNaN(r("put c=1", "etcd", 1, 1).withServerCpu(5, 0, 0).cpuPerOpMicros()));
  }

  @Test
  void keysAreEightBytesAndValuesCarryTheirStamp() {
    assertEquals(8, Keys.key(99_999).length);
    byte[] v = Keys.stampedValue();
    assertEquals(Keys.VALUE_BYTES, v.length);
    assertTrue(Keys.stamp(v) > 0);
  }
}
