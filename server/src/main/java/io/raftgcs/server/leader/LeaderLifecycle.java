package io.raftgcs.server.leader;

import io.raftgcs.statemachine.StateMachineListener;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the leader-only services when this replica becomes the ready leader (its first entry of its
 * own term is applied, so its tables are current) and stops them as soon as it is not. Ratis callbacks
 * are handed to one thread here, so a service never starts and stops concurrently and Ratis is never
 * blocked. Soft state only.
 */
public final class LeaderLifecycle implements StateMachineListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLifecycle.class);
  private final String selfId;
  private final List<LeaderService> services;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "leader-lifecycle");
    t.setDaemon(true);
    return t;
  });
  private boolean running;

  public LeaderLifecycle(String selfId, List<LeaderService> services) {
    this.selfId = selfId;
    this.services = List.copyOf(services);
  }

  @Override
  public void onLeaderReady() {
    thread.execute(() -> {
      if (!running) {
        running = true;
        LOG.info("{} is the ready leader: starting leader-only services", selfId);
        services.forEach(LeaderService::start);
      }
    });
  }

  @Override
  public void onLeaderChanged(String leaderId) {
    if (!selfId.equals(leaderId)) {
      stopAll();
    }
  }

  @Override
  public void onNotLeader() {
    stopAll();
  }

  private void stopAll() {
    thread.execute(() -> {
      if (running) {
        running = false;
        LOG.info("{} is no longer leader: stopping leader-only services", selfId);
        services.forEach(LeaderService::stop);
      }
    });
  }

  @Override
  public void close() {
    stopAll();
    thread.shutdown();
  }
}
