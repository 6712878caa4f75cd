package io.raftgcs.cli.kv;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl kv put KEY VALUE}: a durable put, acknowledged by the leader after commit. */
@Command(name = "put", description = "Store a value. Prints OK once the cluster acknowledged it.")
public final class KvPutCommand extends GcsCommand {
  @Mixin KvOptions.Namespace ns;

  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
      description = "The value; '-' reads it from stdin.")
  String value;

  @Option(names = "--file", paramLabel = "FILE", description = "Read the value from a file.")
  Path file;

  @Option(names = "--no-overwrite", description = "Leave an existing key unchanged.")
  boolean noOverwrite;

  /** Where "-" reads from; replaced in tests. */
  InputStream stdin = System.in;

  @Override
  protected int run(GcsClient client) throws IOException {
    byte[] bytes = valueBytes();
    boolean added = client.kv().put(ns.namespace, Bytes.utf8(key), bytes, !noOverwrite);
    print(Output.of("OK", Map.of("added", added)));
    return ExitCodes.OK;
  }

  byte[] valueBytes() throws IOException {
    if ((value == null) == (file == null)) {
      throw new CliException(ExitCodes.USAGE, "give exactly one of VALUE, '-' (stdin) or --file");
    }
    if (file != null) {
      return Files.readAllBytes(file);
    }
    return value.equals("-") ? stdin.readAllBytes() : Bytes.utf8(value);
  }
}
