package io.raftgcs.cli.pgs;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl pgs}: Ray's placement groups. */
@Command(name = "pgs", description = "List, inspect and remove placement groups.",
    subcommands = {PgsListCommand.class, PgsGetCommand.class, PgsRemoveCommand.class})
public final class PgsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
