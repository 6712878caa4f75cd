package io.raftgcs.cli.actors;

import io.raftgcs.cli.CliException;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.ActorTableData;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gcsctl actors get ID}: one actor's row. */
@Command(name = "get", description = "Show one actor. Exits 3 when the cluster does not know it.")
public final class ActorsGetCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "ACTOR_ID", description = "Actor id in hex.")
  String id;

  @Override
  protected int run(GcsClient client) {
    byte[] actorId;
    try {
      actorId = ActorFormat.fromHex("actor id", id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ActorTableData a = client.actors().getActorInfo(actorId)
        .orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "actor not found: " + id));
    print(new Output(new Output.Table(List.of(), ActorFormat.details(a)), ActorFormat.json(a)));
    return ExitCodes.OK;
  }
}
