package io.raftgcs.cli.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** Options common to every benchmark. */
final class BenchOptions {
  @Option(names = "--clients", defaultValue = "16", paramLabel = "N",
      description = "Concurrent closed-loop clients, each with one request in flight "
          + "(default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--ops", defaultValue = "10000", paramLabel = "M",
      description = "Timed operations in total (default: ${DEFAULT-VALUE}).")
  int ops;

  @Option(names = "--key-space", defaultValue = "100000", paramLabel = "K",
      description = "Keys are drawn uniformly from K distinct 8-byte keys "
          + "(default: ${DEFAULT-VALUE}).")
  long keySpace;

  @Option(names = {"-n", "--namespace"}, defaultValue = "bench", paramLabel = "NS",
      description = "Namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  void validate() {
    if (clients < 1 || ops < 1 || keySpace < 1) {
      throw new IllegalArgumentException("--clients, --ops and --key-space must be positive");
    }
  }

  byte[] randomKey() {
    return ByteBuffer.allocate(Long.BYTES)
        .putLong(ThreadLocalRandom.current().nextLong(keySpace)).array();
  }
}
