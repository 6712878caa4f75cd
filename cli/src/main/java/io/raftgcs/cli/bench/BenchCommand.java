package io.raftgcs.cli.bench;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl bench}: closed-loop load generators. */
@Command(name = "bench", description = "Measure throughput and latency with closed-loop clients.",
    subcommands = {BenchKvPutCommand.class, BenchKvGetCommand.class,
        BenchActorsCommand.class, BenchWatchCommand.class,
        BenchPgsCommand.class, BenchNodeDeathCommand.class, BenchActorListCommand.class})
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
