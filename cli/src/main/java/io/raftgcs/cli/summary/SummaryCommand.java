package io.raftgcs.cli.summary;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl summary}: aggregated views, like {@code ray summary}. */
@Command(name = "summary", description = "Summaries of cluster tables, like 'ray summary'.",
    subcommands = {SummaryActorsCommand.class})
public final class SummaryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
