package io.raftgcs.cli.watch;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.StopSignal;
import io.raftgcs.cli.output.Json;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.client.Subscription;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Shared body of the watch verbs: subscribe, print one line per event (flushed), stop cleanly on
 * SIGINT/SIGTERM or after {@code --max-events}, and map a terminal error to an exit code.
 */
abstract class AbstractWatchCommand extends GcsCommand {
  @Option(names = "--from-revision", paramLabel = "R", defaultValue = "0",
      description = "Deliver every change at revision >= R (e.g. a list's revision + 1); "
          + "0: from now (default).")
  long fromRevision;

  @Option(names = "--max-events", paramLabel = "N", defaultValue = "0",
      description = "Stop after N events (default: run until interrupted).")
  long maxEvents;

  @Option(names = "--progress", description = "Also print idle bookmarks "
      + "(\"# progress R\", or {\"progress\":R} with -o json).")
  boolean progress;

  /** Test hook: the running command's stop switch. */
  volatile StopSignal stopSignal;

  protected abstract SubscribeOptions options();

  /** The event as a human line. */
  protected abstract String line(Event e);

  /** The event as one JSON object. */
  protected abstract Map<String, Object> json(Event e);

  @Override
  protected int run(GcsClient client) {
    if (fromRevision < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--from-revision must not be negative");
    }
    PrintStream out = out();
    boolean json = json();
    AtomicLong printed = new AtomicLong();
    AtomicReference<GcsException> terminal = new AtomicReference<>();
    try (StopSignal stop = StopSignal.install()) {
      stopSignal = stop;
      Subscription sub = client.subscribe(options().fromRevision(fromRevision),
          new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {
              if (stop.isStopped()) {
                return;
              }
              for (Event e : batch.getEventsList()) {
                out.println(json ? Json.write(json(e)) : line(e));
                out.flush();
                if (maxEvents > 0 && printed.incrementAndGet() >= maxEvents) {
                  stop.stop("--max-events reached");
                  return;
                }
              }
            }

            @Override
            public void onProgress(long revision) {
              if (progress && !stop.isStopped()) {
                out.println(json ? "{\"progress\":" + revision + "}" : "# progress " + revision);
                out.flush();
              }
            }

            @Override
            public void onError(GcsException error) {
              terminal.set(error);
              stop.stop("error");
            }
          });
      try {
        if (!stop.await(root().timeoutMillis()) && !sub.started().isDone()) {
          err().println("gcsctl: no replica answered yet; still trying (Ctrl-C to stop)");
          err().flush();
        }
        stop.await();
      } finally {
        sub.close();
      }
    }
    GcsException e = terminal.get();
    if (e == null) {
      return ExitCodes.OK;
    }
    if (e.code() == GcsException.Code.OUT_OF_RANGE) {
      throw new CliException(ExitCodes.COMPACTED, "revision " + Math.max(fromRevision, 1)
          + " or later is no longer in the event history; the oldest available revision is "
          + e.oldestRevision() + ". Re-list, then watch with --from-revision <list revision + 1>.");
    }
    throw e;
  }
}
