package io.raftgcs.cli.pgs;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.PlacementGroupTableData;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl pgs get ID} or {@code gcsctl pgs get --name NAME [--namespace NS]}. */
@Command(name = "get", description = "Show one placement group, by hex id or by --name. "
    + "Exits 3 when the cluster does not know it.")
public final class PgsGetCommand extends GcsCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PLACEMENT_GROUP_ID",
      description = "Placement group id in hex.")
  String id;

  @Option(names = "--name", paramLabel = "NAME", description = "Look up by name instead.")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "",
      description = "Namespace of --name (default: the empty namespace).")
  String namespace;

  @Override
  protected int run(GcsClient client) {
    if ((id == null) == (name == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give either a PLACEMENT_GROUP_ID or --name");
    }
    PlacementGroupTableData g;
    if (id != null) {
      byte[] pgId;
      try {
        pgId = NodeIds.fromHex(id);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      g = client.placementGroups().get(pgId).orElseThrow(
          () -> new CliException(ExitCodes.NOT_FOUND, "placement group not found: " + id));
    } else {
      g = client.placementGroups().getNamed(name, namespace).orElseThrow(
          () -> new CliException(ExitCodes.NOT_FOUND, "no placement group named '" + name
              + "' in namespace '" + namespace + "'"));
    }
    print(new Output(new Output.Table(List.of(), PgFormat.details(g)), PgFormat.json(g)));
    return ExitCodes.OK;
  }
}
