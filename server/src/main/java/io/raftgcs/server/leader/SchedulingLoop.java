package io.raftgcs.server.leader;

import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.statemachine.StateMachineListener;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every leader-only scheduler shares: rounds on one thread of its own, periodically and when a
 * relevant change is applied; wake-ups arriving while a round is queued coalesce into it; one decision
 * is in flight at a time, and a change seen meanwhile triggers the next round once it is committed.
 * A subclass only says which changes wake it and what one round decides.
 *
 * <p>Threads: rounds on the loop's thread; wake-ups from the apply thread. Soft state, rebuilt on start.
 */
abstract class SchedulingLoop implements LeaderService, StateMachineListener {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulingLoop.class);

  private final String name;
  private final long periodMs;
  private final WritePath writes;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile boolean hadWork = true;
  private volatile ScheduledExecutorService thread;

  SchedulingLoop(String name, long periodMs, WritePath writes) {
    this.name = name;
    this.periodMs = periodMs;
    this.writes = writes;
  }

  /** Whether a change on {@code channel} may create work; {@code hadWork}: the last round left some. */
  protected abstract boolean wakesOn(Channel channel, boolean hadWork);

  /** Reads the tables and decides; returns the command to propose, or null when there is nothing to do. */
  protected abstract Command.Builder decide();

  /** Called by {@link #decide}: whether anything is still waiting after this round's decisions. */
  protected final void workLeft(boolean waiting) {
    hadWork = waiting;
  }

  /** Called by {@link #decide} when it stopped early (batch limit): run again once this one commits. */
  protected final void moreToDo() {
    dirty.set(true);
  }

  @Override
  public synchronized void start() {
    inFlight.set(false);
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::safeRound, 0, periodMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  @Override
  public void onApplied(long index, EventBatch events) {
    for (Event e : events.getEventsList()) {
      if (wakesOn(e.getChannel(), hadWork)) {
        dirty.set(true);
        kick();
        return;
      }
    }
  }

  private void kick() {
    ScheduledExecutorService t = thread;
    if (t != null && queued.compareAndSet(false, true)) {
      try {
        t.execute(() -> {
          queued.set(false);
          safeRound();
        });
      } catch (RejectedExecutionException stopped) {
        queued.set(false);
      }
    }
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      LOG.warn("{} round failed: {}", name, e.toString());
    }
  }

  /** One pass; public so tests can drive it. */
  public final void round() {
    if (!inFlight.compareAndSet(false, true)) {
      dirty.set(true);
      return;
    }
    dirty.set(false);
    Command.Builder cmd;
    try {
      cmd = decide();
    } catch (RuntimeException e) {
      inFlight.set(false);
      throw e;
    }
    if (cmd == null) {
      inFlight.set(false);
      return;
    }
    writes.submit(null, cmd).whenComplete((r, e) -> {
      if (e != null) {
        LOG.debug("{} proposal failed: {}", name, e.toString());
      }
      inFlight.set(false);
      if (dirty.get()) {
        kick();
      }
    });
  }
}
