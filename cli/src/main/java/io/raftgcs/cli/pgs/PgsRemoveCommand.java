package io.raftgcs.cli.pgs;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gcsctl pgs remove ID}: removes a placement group (idempotent). */
@Command(name = "remove", description = "Remove a placement group and release its bundles. "
    + "Idempotent: removing a removed or unknown group succeeds.")
public final class PgsRemoveCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "PLACEMENT_GROUP_ID",
      description = "Placement group id in hex.")
  String id;

  @Override
  protected int run(GcsClient client) {
    byte[] pgId;
    try {
      pgId = NodeIds.fromHex(id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    long rev = client.placementGroups().remove(pgId);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("placement_group_id", NodeIds.hex(pgId));
    m.put("removed", true);
    m.put("revision", rev);
    print(Output.of("removed " + NodeIds.hex(pgId) + " at revision " + rev, m));
    return ExitCodes.OK;
  }
}
