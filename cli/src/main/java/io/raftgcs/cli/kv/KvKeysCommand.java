package io.raftgcs.cli.kv;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code gcsctl kv keys [PREFIX]}: one key per line, sorted by key bytes. */
@Command(name = "keys", description = "List the keys of a namespace, optionally by prefix.")
public final class KvKeysCommand extends GcsCommand {
  @Mixin KvOptions.Namespace ns;
  @Mixin KvOptions.Read read;

  @Parameters(index = "0", arity = "0..1", defaultValue = "", paramLabel = "PREFIX")
  String prefix;

  @Override
  protected int run(GcsClient client) {
    List<byte[]> keys = read.kv(client).keys(ns.namespace, Bytes.utf8(prefix));
    print(new Output(Output.Table.lines(keys.stream().map(Bytes::utf8).toList()), json(keys)));
    return ExitCodes.OK;
  }

  static Map<String, Object> json(List<byte[]> keys) {
    boolean text = keys.stream().allMatch(Bytes::isUtf8);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keys", keys.stream()
        .map(k -> text ? Bytes.utf8(k) : Base64.getEncoder().encodeToString(k)).toList());
    if (!text) {
      m.put("encoding", "base64");
    }
    return m;
  }
}
