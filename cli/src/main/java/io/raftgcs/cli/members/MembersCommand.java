package io.raftgcs.cli.members;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl members}: the Raft group's membership. */
@Command(name = "members", description = "List, add and remove replicas of the Raft group.",
    subcommands = {MembersListCommand.class, MembersAddCommand.class,
        MembersRemoveCommand.class})
public final class MembersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
