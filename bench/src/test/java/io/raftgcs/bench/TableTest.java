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
  }

  @Test
  void keysAreEightBytesAndValuesCarryTheirStamp() {
    assertEquals(8, Keys.key(99_999).length);
    byte[] v = Keys.stampedValue();
    assertEquals(Keys.VALUE_BYTES, v.length);
    assertTrue(Keys.stamp(v) > 0);
  }
}
