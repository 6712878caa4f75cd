package io.raftgcs.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's live subscriptions: what they need from the client (channels, endpoints, the
 * scheduler) and one shared watchdog task that replaces streams that went silent (a replica that
 * died without closing its connections, or is stuck). Any thread.
 */
final class Subscriptions implements StreamSubscription.SubscriptionHost {
  private static final long WATCHDOG_PERIOD_MS = 250;

  private final ChannelPool channels;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Set<StreamSubscription> live = ConcurrentHashMap.newKeySet();
  private ScheduledFuture<?> watchdog;

  Subscriptions(ChannelPool channels, Endpoints endpoints, ScheduledExecutorService scheduler,
      Duration initialBackoff, Duration maxBackoff) {
    this.channels = channels;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  @Override
  public io.grpc.Channel channel(String endpoint) {
    return channels.get(endpoint);
  }

  @Override
  public List<String> endpoints() {
    return endpoints.known();
  }

  @Override
  public String nextEndpoint() {
    return endpoints.first(CallSpec.read("Subscribe", ReadConsistency.STALE, null));
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public Backoff newBackoff() {
    return new Backoff(initialBackoff, maxBackoff);
  }

  @Override
  public void register(StreamSubscription s) {
    live.add(s);
    synchronized (this) {
      if (watchdog == null) {
        watchdog = scheduler.scheduleWithFixedDelay(this::sweep, WATCHDOG_PERIOD_MS,
            WATCHDOG_PERIOD_MS, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void unregister(StreamSubscription s) {
    live.remove(s);
  }

  int size() {
    return live.size();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (StreamSubscription s : live) {
      try {
        s.checkStalled(now);
      } catch (RuntimeException e) {
        // never let one subscription stop the watchdog
      }
    }
  }

  /** Closes every subscription (the client is closing). */
  void closeAll() {
    synchronized (this) {
      if (watchdog != null) {
        watchdog.cancel(false);
      }
    }
    for (StreamSubscription s : new ArrayList<>(live)) {
      s.close();
    }
  }
}
