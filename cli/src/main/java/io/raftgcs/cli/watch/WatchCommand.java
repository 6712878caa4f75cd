package io.raftgcs.cli.watch;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl watch}: follow event streams. */
@Command(name = "watch", description = "Follow changes as they are committed, one line per "
    + "event, until interrupted (SIGINT/SIGTERM: clean stop, exit 0). Rides over replica deaths "
    + "and leader changes by itself. Exits 7 when the start revision is no longer in history.",
    subcommands = {WatchKvCommand.class, WatchNodesCommand.class})
public final class WatchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
