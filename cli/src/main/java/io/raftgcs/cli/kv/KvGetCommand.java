package io.raftgcs.cli.kv;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code gcsctl kv get KEY}: prints the raw value (table) or {"key","value"} (json). */
@Command(name = "get", description = "Print a value. Exits 3 when the key does not exist.")
public final class KvGetCommand extends GcsCommand {
  @Mixin KvOptions.Namespace ns;
  @Mixin KvOptions.Read read;

  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Override
  protected int run(GcsClient client) {
    byte[] k = Bytes.utf8(key);
    byte[] v = read.kv(client).get(ns.namespace, k)
        .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "key not found: " + key));
    print(new Output(new Output.Raw(v), Bytes.keyValue(k, v)));
    return ExitCodes.OK;
  }
}
