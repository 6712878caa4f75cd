package io.raftgcs.cli.actors;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gcsctl actors kill ID}: Ray's KillActorViaGcs. */
@Command(name = "kill", description = "Kill an actor (Ray's ray.kill). Without --no-restart it "
    + "restarts if its restart budget allows. Exits 3 when the cluster does not know it.")
public final class ActorsKillCommand extends GcsCommand {
  @Parameters(index = "0", paramLabel = "ACTOR_ID", description = "Actor id in hex.")
  String id;

  @Option(names = "--force", description = "Force-kill (do not let pending tasks finish).")
  boolean force;

  @Option(names = "--no-restart", description = "Make the death final; a dead detached named "
      + "actor also releases its name.")
  boolean noRestart;

  @Override
  protected int run(GcsClient client) {
    byte[] actorId;
    try {
      actorId = ActorFormat.fromHex("actor id", id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    long rev = client.actors().killActor(actorId, force, noRestart);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("actor_id", ActorFormat.hex(com.google.protobuf.ByteString.copyFrom(actorId)));
    json.put("killed", true);
    json.put("force", force);
    json.put("no_restart", noRestart);
    json.put("revision", rev);
    print(Output.of("killed actor " + json.get("actor_id") + " at revision " + rev, json));
    return ExitCodes.OK;
  }
}
