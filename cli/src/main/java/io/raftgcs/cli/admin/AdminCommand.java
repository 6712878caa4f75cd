package io.raftgcs.cli.admin;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl admin}: operator actions on the Raft group. */
@Command(name = "admin", description = "Leadership transfer and snapshots.",
    subcommands = {TransferLeaderCommand.class, SnapshotCommand.class})
public final class AdminCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
