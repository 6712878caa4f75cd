package io.raftgcs.cli.bench;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;

/**
 * Runs one benchmark and reports it: in table mode a human line and, last, the fixed-format
 * summary line. Exits 0 without errors, 1 with some, and the first error's code when all failed.
 */
abstract class AbstractBenchCommand extends GcsCommand {
  @Mixin BenchOptions bench;

  /** Name shown in the report, and the operation each client loops on. */
  protected abstract String name();

  protected abstract Supplier<CompletableFuture<?>> operation(GcsClient client);

  @Override
  protected final int run(GcsClient client) throws InterruptedException {
    bench.validate();
    BenchResult r = BenchRunner.run(name(), bench.clients, bench.ops, operation(client));
    if (r.firstError() != null) {
      err().println("gcsctl: " + r.errors() + " operation(s) failed; first: "
          + r.firstError().getMessage());
    }
    print(new Output(Output.Table.lines(List.of(r.humanLine(), r.summaryLine())), r.json()));
    if (r.errors() == 0) {
      return ExitCodes.OK;
    }
    if (r.errors() >= r.ops() && r.firstError() instanceof GcsException g) {
      return ExitCodes.of(g.code());
    }
    return ExitCodes.ERROR;
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
