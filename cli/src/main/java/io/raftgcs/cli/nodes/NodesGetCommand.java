package io.raftgcs.cli.nodes;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.GcsNodeInfo;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gcsctl nodes get ID}: one node's row. */
@Command(name = "get", description = "Show one node. Exits 3 when the cluster does not know it.")
public final class NodesGetCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "NODE_ID", description = "Node id in hex.")
  String id;

  @Override
  protected int run(GcsClient client) {
    byte[] nodeId;
    try {
      nodeId = NodeIds.fromHex(id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    GcsNodeInfo n = client.nodes().get(nodeId)
        .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "node not found: " + id));
    print(new Output(new Output.Table(List.of(), NodeFormat.details(n)), NodeFormat.json(n)));
    return ExitCodes.OK;
  }
}
