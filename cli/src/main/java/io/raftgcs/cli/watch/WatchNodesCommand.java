package io.raftgcs.cli.watch;

import io.raftgcs.cli.nodes.NodeFormat;
import io.raftgcs.client.NodeClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.GcsNodeInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl watch nodes}: one line per node-table change. JSON: {"revision":N,"kind":"PUT",
 * "node_id":"hex","node":{...}}; a DELETE (a dead node evicted from the table) has "node":null.
 */
@Command(name = "nodes", description = "Follow node registrations, deaths and drains. Table "
    + "lines: REVISION PUT NODE_ID STATE NAME ADDRESS | REVISION DELETE NODE_ID.")
public final class WatchNodesCommand extends AbstractWatchCommand {
  @Option(names = "--id", paramLabel = "HEX", description = "Only this node.")
  String id;

  @Override
  protected SubscribeOptions options() {
    return id == null ? SubscribeOptions.nodes() : SubscribeOptions.node(NodeIds.fromHex(id));
  }

  @Override
  protected String line(Event e) {
    String nodeId = NodeIds.hex(e.getKey());
    Optional<GcsNodeInfo> n = NodeClient.nodeOf(e);
    if (n.isEmpty()) {
      return e.getRevision() + " " + e.getKind().name() + " " + nodeId;
    }
    GcsNodeInfo info = n.get();
    String drain = info.hasDrain() ? " draining" : "";
    String death = info.hasDeathInfo() ? " " + info.getDeathInfo().getReason().name() : "";
    return e.getRevision() + " PUT " + nodeId + " " + info.getState().name() + drain + death + " "
        + (info.getNodeName().isEmpty() ? "-" : info.getNodeName()) + " "
        + (info.getNodeManagerAddress().isEmpty() ? "-" : info.getNodeManagerAddress());
  }

  @Override
  protected Map<String, Object> json(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", e.getRevision());
    m.put("kind", e.getKind().name());
    m.put("node_id", NodeIds.hex(e.getKey()));
    m.put("node", NodeClient.nodeOf(e).map(NodeFormat::json).orElse(null));
    return m;
  }
}
