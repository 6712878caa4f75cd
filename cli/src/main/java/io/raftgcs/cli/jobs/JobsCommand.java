package io.raftgcs.cli.jobs;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl jobs}: Ray's job table. */
@Command(name = "jobs", description = "List and inspect jobs.",
    subcommands = {JobsListCommand.class, JobsGetCommand.class})
public final class JobsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
