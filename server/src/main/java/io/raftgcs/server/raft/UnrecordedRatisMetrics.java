package io.raftgcs.server.raft;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis's metrics registry for a replica: registries whose timers, counters and gauges record nothing.
 *
 * <p>Why: nothing in raftgcs reads Ratis's own metrics (the server reports its state through {@code
 * GetStatus} and its logs), yet Ratis's default registry ({@code ratis-metrics-default}, Dropwizard)
 * times every log append, sync, AppendEntries and client request into decaying reservoirs under a lock:
 * 2.6 % of a leader's CPU and 3.7 % of a follower's under 1-client puts (bench/RESULTS.md, round 10).
 * Ratis picks its registry through {@link java.util.ServiceLoader}; this class is named in {@code
 * META-INF/services/org.apache.ratis.metrics.MetricRegistries}, and {@code ratis-metrics-default} is not on
 * the classpath. To get Ratis's metrics back, put that module back and delete the service file.
 *
 * <p>Threads: any Ratis thread; the map of registries is concurrent and the registries are stateless.
 * Soft state, per JVM.
 */
public final class UnrecordedRatisMetrics extends MetricRegistries {
  private final Map<MetricRegistryInfo, Registry> registries = new ConcurrentHashMap<>();

  /** Ratis instantiates this class by reflection through {@link java.util.ServiceLoader}. */
  public UnrecordedRatisMetrics() {}

  @Override
  public void clear() {
    registries.clear();
  }

  @Override
  public RatisMetricRegistry create(MetricRegistryInfo info) {
    return registries.computeIfAbsent(info, Registry::new);
  }

  @Override
  public boolean remove(MetricRegistryInfo key) {
    return registries.remove(key) != null;
  }

  @Override
  public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
    return Optional.ofNullable(registries.get(info));
  }

  @Override
  public Set<MetricRegistryInfo> getMetricRegistryInfos() {
    return Set.copyOf(registries.keySet());
  }

  @Override
  public Collection<RatisMetricRegistry> getMetricRegistries() {
    return List.copyOf(registries.values());
  }

  /** No reporter can be attached: there is nothing to report. */
  @Override
  public void addReporterRegistration(Consumer<RatisMetricRegistry> reporterRegistration,
      Consumer<RatisMetricRegistry> stopReporter) {}

  @Override
  public void enableJmxReporter() {}

  @Override
  public void enableConsoleReporter(TimeDuration consoleReportRate) {}

  private static final Timekeeper.Context STOPPED = () -> 0L;
  private static final Timekeeper TIMER = () -> STOPPED;
  private static final LongCounter COUNTER = new LongCounter() {
    @Override
    public void inc(long n) {}

    @Override
    public void dec(long n) {}

    @Override
    public long getCount() {
      return 0;
    }
  };

  /** One Ratis component's registry: every timer and counter is the shared no-op one. */
  private static final class Registry implements RatisMetricRegistry {
    private final MetricRegistryInfo info;

    Registry(MetricRegistryInfo info) {
      this.info = info;
    }

    @Override
    public Timekeeper timer(String name) {
      return TIMER;
    }

    @Override
    public LongCounter counter(String name) {
      return COUNTER;
    }

    @Override
    public boolean remove(String name) {
      return false;
    }

    @Override
    public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) {}

    @Override
    public MetricRegistryInfo getMetricRegistryInfo() {
      return info;
    }
  }
}
