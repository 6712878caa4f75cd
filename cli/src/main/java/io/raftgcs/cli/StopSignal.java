package io.raftgcs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into a clean stop for long-running commands (watch, agent simulate):
 * instead of the JVM's shutdown (exit status 130/143, no cleanup ordering), the command is told to
 * stop, cleans up and returns 0. The previous handlers are restored on {@link #close}, so a second
 * signal after that terminates as usual. Also stops on {@link #stop()} (tests, limits) and on
 * interruption of the waiting thread.
 */
public final class StopSignal implements AutoCloseable {
  private static final String[] SIGNALS = {"INT", "TERM"};

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Runnable> restore = new ArrayList<>();
  private volatile String reason;

  private StopSignal() {}

  /** Installs the handlers (where the platform allows; otherwise only programmatic stops work). */
  public static StopSignal install() {
    StopSignal s = new StopSignal();
    for (String name : SIGNALS) {
      try {
        Signal sig = new Signal(name);
        SignalHandler previous = Signal.handle(sig, x -> s.stop("SIG" + name));
        s.restore.add(() -> Signal.handle(sig, previous));
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // signal not available here (or reserved by the JVM, e.g. with -Xrs)
      }
    }
    return s;
  }

  public void stop(String why) {
    if (reason == null) {
      reason = why;
    }
    stopped.countDown();
  }

  public void stop() {
    stop("stopped");
  }

  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Why it stopped (e.g. "SIGTERM"), or null. */
  public String reason() {
    return reason;
  }

  /** Waits for a stop; an interrupt counts as one. */
  public void await() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      stop("interrupted");
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to {@code ms}; true if stopped. */
  public boolean await(long ms) {
    try {
      return stopped.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      stop("interrupted");
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    restore.forEach(Runnable::run);
    restore.clear();
  }
}
