package io.raftgcs.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.junit.jupiter.api.Test;

class UnrecordedRatisMetricsTest {
  @Test
  void ratisLoadsTheUnrecordedRegistryThroughItsServiceLoader() {
    assertInstanceOf(UnrecordedRatisMetrics.class, MetricRegistries.global());
  }

  @Test
  void registriesAreKeptPerInfoAndRecordNothing() {
    UnrecordedRatisMetrics metrics = new UnrecordedRatisMetrics();
    MetricRegistryInfo info = new MetricRegistryInfo("p", "app", "component", "test");
    RatisMetricRegistry registry = metrics.create(info);
    assertSame(registry, metrics.create(info));
    assertSame(registry, metrics.get(info).orElseThrow());
    assertEquals(info, registry.getMetricRegistryInfo());

    LongCounter counter = registry.counter("c");
    counter.inc(5);
    assertEquals(0, counter.getCount());
    assertEquals(0, registry.timer("t").time().stop());

    assertTrue(metrics.remove(info));
    assertTrue(metrics.get(info).isEmpty());
  }
}
