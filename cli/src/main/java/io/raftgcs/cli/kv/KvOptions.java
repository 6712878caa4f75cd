package io.raftgcs.cli.kv;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.KvClient;
import picocli.CommandLine.Option;

/** Options shared by the kv verbs. */
final class KvOptions {
  private KvOptions() {}

  static final class Namespace {
    @Option(names = {"-n", "--namespace"}, defaultValue = "", paramLabel = "NS",
        description = "Namespace (default: empty).")
    String namespace;
  }

  static final class Read {
    @Option(names = "--stale", description = "Let any replica answer from its local state "
        + "instead of a linearizable read.")
    boolean stale;

    KvClient kv(GcsClient client) {
      return stale ? client.kv().stale() : client.kv();
    }
  }
}
