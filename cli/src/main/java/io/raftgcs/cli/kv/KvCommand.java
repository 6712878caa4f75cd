package io.raftgcs.cli.kv;

import io.raftgcs.cli.Gcsctl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gcsctl kv}: Ray's internal KV. */
@Command(name = "kv", description = "Read and write Ray's internal key-value store.",
    subcommands = {KvPutCommand.class, KvGetCommand.class, KvDelCommand.class,
        KvKeysCommand.class, KvExistsCommand.class})
public final class KvCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw Gcsctl.missingSubcommand(spec);
  }
}
