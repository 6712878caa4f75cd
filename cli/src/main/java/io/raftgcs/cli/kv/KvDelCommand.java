package io.raftgcs.cli.kv;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl kv del KEY [--prefix]}: prints how many keys were deleted. */
@Command(name = "del", description = "Delete a key, or every key with a prefix.")
public final class KvDelCommand extends GcsCommand {
  @Mixin KvOptions.Namespace ns;

  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--prefix", description = "Delete every key starting with KEY.")
  boolean prefix;

  @Override
  protected int run(GcsClient client) {
    long n = prefix ? client.kv().delByPrefix(ns.namespace, key)
        : client.kv().del(ns.namespace, key);
    print(Output.of(String.valueOf(n), Map.of("deleted", n)));
    return ExitCodes.OK;
  }
}
