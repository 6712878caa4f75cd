package io.raftgcs.cli.actors;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl actors}: Ray's actor table. */
@Command(name = "actors", description = "List, inspect and kill actors.",
    subcommands = {ActorsListCommand.class, ActorsGetCommand.class, ActorsKillCommand.class})
public final class ActorsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
