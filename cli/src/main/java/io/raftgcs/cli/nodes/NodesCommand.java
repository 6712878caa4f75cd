package io.raftgcs.cli.nodes;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl nodes}: Ray's node table. */
@Command(name = "nodes", description = "List, inspect and drain the cluster's nodes.",
    subcommands = {NodesListCommand.class, NodesGetCommand.class, NodesDrainCommand.class})
public final class NodesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
