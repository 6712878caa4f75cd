package io.raftgcs.cli.tasks;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl tasks}: Ray's task events (leader-local). */
@Command(name = "tasks", description = "List task events held by the leader.",
    subcommands = {TasksListCommand.class})
public final class TasksCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
