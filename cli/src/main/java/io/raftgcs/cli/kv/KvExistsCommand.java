package io.raftgcs.cli.kv;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code gcsctl kv exists KEY}: prints true or false; exits 0 either way. */
@Command(name = "exists", description = "Print whether a key exists.")
public final class KvExistsCommand extends GcsCommand {
  @Mixin KvOptions.Namespace ns;
  @Mixin KvOptions.Read read;

  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Override
  protected int run(GcsClient client) {
    boolean exists = read.kv(client).exists(ns.namespace, key);
    print(Output.of(String.valueOf(exists), Map.of("exists", exists)));
    return ExitCodes.OK;
  }
}
