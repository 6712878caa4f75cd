package io.raftgcs.cli.nodes;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.DrainResult;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.DrainReason;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl nodes drain ID}: asks the cluster to drain a node (Ray's DrainNode). */
@Command(name = "drain", description = "Drain a node: no new work is placed on it; its death "
    + "is then recorded as the drain's outcome. Exits 6 if the drain is rejected.")
public final class NodesDrainCommand extends GcsCommand {
  /** Values of --reason. */
  enum Reason {
    idle(DrainReason.DRAIN_IDLE_TERMINATION),
    preemption(DrainReason.DRAIN_PREEMPTION);

    final DrainReason proto;

    Reason(DrainReason proto) {
      this.proto = proto;
    }
  }

  @Parameters(index = "0", paramLabel = "NODE_ID", description = "Node id in hex.")
  String id;

  @Option(names = "--reason", defaultValue = "idle",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Reason reason;

  @Option(names = "--deadline-ms", paramLabel = "EPOCH_MS", defaultValue = "0",
      description = "When the node will be gone (epoch ms); 0: no deadline.")
  long deadlineMs;

  @Option(names = "--message", defaultValue = "", description = "Free-text reason.")
  String message;

  @Override
  protected int run(GcsClient client) {
    byte[] nodeId;
    try {
      nodeId = NodeIds.fromHex(id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (deadlineMs < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--deadline-ms must not be negative");
    }
    DrainResult r = client.nodes().drain(nodeId, reason.proto, message, deadlineMs);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("node_id", NodeIds.hex(nodeId));
    json.put("accepted", r.accepted());
    json.put("rejection_reason", r.rejectionReason());
    json.put("revision", r.revision());
    String line = r.accepted() ? "drain of " + NodeIds.hex(nodeId) + " accepted at revision "
        + r.revision() : "drain of " + NodeIds.hex(nodeId) + " rejected: " + r.rejectionReason();
    print(Output.of(line, json));
    return r.accepted() ? ExitCodes.OK : ExitCodes.FAILED_PRECONDITION;
  }
}
