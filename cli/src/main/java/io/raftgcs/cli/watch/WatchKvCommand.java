package io.raftgcs.cli.watch;

import io.raftgcs.cli.kv.Bytes;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gcsctl watch kv PREFIX}: one line per KV change. JSON: {"revision":N,"key":"..",
 * "kind":"PUT"|"DELETE","value":".."} with "encoding":"base64" (key and value) when either is not
 * UTF-8; a DELETE has an empty value.
 */
@Command(name = "kv", description = "Follow KV changes under a key prefix. Table lines: "
    + "REVISION PUT KEY VALUE | REVISION DELETE KEY. JSON: one object per event per line.")
public final class WatchKvCommand extends AbstractWatchCommand {
  @Parameters(index = "0", paramLabel = "PREFIX", defaultValue = "",
      description = "Key prefix (default: the whole namespace).")
  String prefix;

  @Option(names = {"-n", "--namespace"}, defaultValue = "", paramLabel = "NS",
      description = "Namespace (default: empty).")
  String namespace;

  @Override
  protected SubscribeOptions options() {
    return SubscribeOptions.kvPrefix(namespace, Bytes.utf8(prefix));
  }

  @Override
  protected String line(Event e) {
    String key = text(e.getKey().toByteArray());
    return e.getKind() == EventKind.DELETE ? e.getRevision() + " DELETE " + key
        : e.getRevision() + " " + e.getKind().name() + " " + key + " "
            + text(e.getValue().toByteArray());
  }

  @Override
  protected Map<String, Object> json(Event e) {
    Map<String, Object> kv = Bytes.keyValue(e.getKey().toByteArray(), e.getValue().toByteArray());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", e.getRevision());
    m.put("key", kv.get("key"));
    m.put("kind", e.getKind().name());
    m.put("value", kv.get("value"));
    if (kv.containsKey("encoding")) {
      m.put("encoding", kv.get("encoding"));
    }
    return m;
  }

  private static String text(byte[] b) {
    return Bytes.isUtf8(b) ? Bytes.utf8(b) : "base64:" + Base64.getEncoder().encodeToString(b);
  }
}
