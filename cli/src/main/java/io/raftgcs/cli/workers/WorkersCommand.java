package io.raftgcs.cli.workers;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl workers}: Ray's worker table. */
@Command(name = "workers", description = "List workers.", subcommands = {WorkersListCommand.class})
public final class WorkersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
