package io.raftgcs.cli.bench;

import io.raftgcs.client.GcsClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl bench kv-put}: durable overwriting puts of random keys. */
@Command(name = "kv-put", description = "Benchmark durable KV puts.")
public final class BenchKvPutCommand extends AbstractBenchCommand {
  @Option(names = "--value-size", defaultValue = "256", paramLabel = "BYTES",
      description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Override
  protected String name() {
    return "kv-put";
  }

  @Override
  protected Supplier<CompletableFuture<?>> operation(GcsClient client) {
    if (valueSize < 0) {
      throw new IllegalArgumentException("--value-size must not be negative");
    }
    byte[] value = new byte[valueSize];
    ThreadLocalRandom.current().nextBytes(value);
    return () -> client.kv().putAsync(bench.namespace, bench.randomKey(), value, true);
  }
}
