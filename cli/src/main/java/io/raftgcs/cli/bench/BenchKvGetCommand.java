package io.raftgcs.cli.bench;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.KvClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl bench kv-get}: reads of random keys (a missing key is still a served read). */
@Command(name = "kv-get", description = "Benchmark KV gets (linearizable unless --stale). "
    + "Missing keys count as served reads; run kv-put first with the same --key-space to populate.")
public final class BenchKvGetCommand extends AbstractBenchCommand {
  @Option(names = "--stale", description = "Stale reads, spread over all replicas.")
  boolean stale;

  @Override
  protected String name() {
    return stale ? "kv-get-stale" : "kv-get";
  }

  @Override
  protected Supplier<CompletableFuture<?>> operation(GcsClient client) {
    KvClient kv = stale ? client.kv().stale() : client.kv();
    return () -> kv.getAsync(bench.namespace, bench.randomKey());
  }
}
