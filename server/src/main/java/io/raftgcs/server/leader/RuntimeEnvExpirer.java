package io.raftgcs.server.leader;

import io.raftgcs.proto.Command;
import io.raftgcs.proto.ExpireRuntimeEnvPins;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.table.RuntimeEnvTable;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires runtime-env pins by leader time. Every {@code periodMs} it reads the earliest pin expiry from the
 * applied table; when it is due by the injected {@link Clock}, it proposes {@code ExpireRuntimeEnvPins{now_ms}}
 * and apply deletes every pin with expires_at &lt;= now_ms — the time comes from the command, never from a
 * replica's own clock, so every replica deletes the same pins. One proposal in flight at a time.
 *
 * <p>Leader-only soft state: its own single thread, started and stopped by {@link LeaderLifecycle}.
 */
public final class RuntimeEnvExpirer implements LeaderService {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeEnvExpirer.class);
  public static final long DEFAULT_PERIOD_MS = 1000;

  private final GcsStateMachine stateMachine;
  private final WritePath writes;
  private final Clock clock;
  private final long periodMs;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private volatile ScheduledExecutorService thread;

  public RuntimeEnvExpirer(GcsStateMachine stateMachine, WritePath writes, Clock clock, long periodMs) {
    this.stateMachine = stateMachine;
    this.writes = writes;
    this.clock = clock;
    this.periodMs = periodMs;
  }

  @Override
  public synchronized void start() {
    inFlight.set(false);
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "runtime-env-expirer");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::safeTick, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("runtime env expiry failed: {}", e.toString());
      inFlight.set(false);
    }
  }

  /** One check; public so tests can drive it. */
  public void tick() {
    long now = clock.millis();
    long next = stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions()) {
        return RuntimeEnvTable.nextExpiry(store, ro);
      }
    });
    if (next > now || !inFlight.compareAndSet(false, true)) {
      return;
    }
    writes.submit(null, Command.newBuilder().setExpireRuntimeEnvPins(ExpireRuntimeEnvPins.newBuilder().setNowMs(now)))
        .whenComplete((r, e) -> {
          if (e != null) {
            LOG.debug("runtime env expiry proposal failed: {}", e.toString());
          }
          inFlight.set(false);
        });
  }
}
