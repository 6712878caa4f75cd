package io.raftgcs.cli;

import io.raftgcs.cli.output.Output;
import io.raftgcs.cli.output.Printer;
import io.raftgcs.client.GcsClient;
import java.io.PrintStream;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every leaf command: builds a {@link GcsClient} from the global options, runs, and
 * closes it. Subclasses return an exit code from {@link ExitCodes} or throw; the root turns
 * exceptions into {@code gcsctl: <message>} and an exit code.
 */
public abstract class GcsCommand implements Callable<Integer> {
  private static final Duration MAX_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    try (GcsClient client = newClient()) {
      return run(client);
    }
  }

  protected abstract int run(GcsClient client) throws Exception;

  protected GcsClient newClient() {
    Gcsctl root = root();
    Duration total = root.timeout;
    Duration attempt = total.compareTo(MAX_ATTEMPT_TIMEOUT) < 0 ? total : MAX_ATTEMPT_TIMEOUT;
    return GcsClient.builder().endpoints(root.endpointList())
        .requestTimeout(attempt).deadline(total).build();
  }

  protected Gcsctl root() {
    return (Gcsctl) spec.root().userObject();
  }

  protected void print(Output output) {
    printer().print(output);
  }

  /**
   * Prints one page of a list call: a table plus a "shown/total/filtered/revision" line, or the JSON
   * object {@code {key:[...], "total", "num_filtered", "revision"}}.
   */
  protected <T> void printPage(String key, List<String> header, List<T> items,
      java.util.function.Function<T, List<String>> row, java.util.function.Function<T, Object> json,
      long total, long numFiltered, long revision) {
    List<List<String>> rows = new java.util.ArrayList<>();
    List<Object> objects = new java.util.ArrayList<>();
    for (T item : items) {
      rows.add(row.apply(item));
      objects.add(json.apply(item));
    }
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put(key, objects);
    m.put("total", total);
    m.put("num_filtered", numFiltered);
    m.put("revision", revision);
    print(new Output(new Output.Table(header, rows), m));
    if (!json()) {
      out().printf("%d shown, %d total, %d filtered out, at revision %d%n", items.size(), total, numFiltered,
          revision);
      out().flush();
    }
  }

  protected Printer printer() {
    return root().printer();
  }

  protected boolean json() {
    return root().output == io.raftgcs.cli.output.OutputFormat.json;
  }

  protected PrintStream out() {
    return root().out();
  }

  protected PrintStream err() {
    return root().err();
  }
}
