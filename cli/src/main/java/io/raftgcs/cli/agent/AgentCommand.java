package io.raftgcs.cli.agent;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl agent}: node agents (the raylet's side of the control plane). */
@Command(name = "agent", description = "Run node agents.",
    subcommands = {AgentSimulateCommand.class})
public final class AgentCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
