package io.raftgcs.cli.actors;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.ActorClient;
import io.raftgcs.client.ActorList;
import io.raftgcs.client.ActorQuery;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.ActorTableData.ActorState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl actors list}: one row per actor; all filters must match. */
@Command(name = "list", description = "List actors, like 'ray list actors'. All --filter options "
    + "must match. JSON: {\"actors\":[...],\"total\":N,\"num_filtered\":M,\"revision\":R}.")
public final class ActorsListCommand extends GcsCommand {
  @Option(names = "--filter", paramLabel = "KEY=VALUE",
      description = "state=DEPENDENCIES_UNREADY|PENDING_CREATION|ALIVE|RESTARTING|DEAD, "
          + "job=HEX, name=NAME, node=HEX, id=HEX. Repeatable.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Show at most N actors (default: all); totals still count every match.")
  long limit;

  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    ActorQuery q = query();
    ActorClient actors = stale ? client.actors().stale() : client.actors();
    ActorList list = actors.getAllActorInfo(q);
    printPage("actors", ActorFormat.header(), list.actors(), ActorFormat::row, ActorFormat::json, list.total(),
        list.numFiltered(), list.revision());
    return ExitCodes.OK;
  }

  ActorQuery query() {
    if (limit < 0) {
      throw usage("--limit must not be negative");
    }
    ActorQuery q = ActorQuery.all().limit(limit);
    for (String f : filters) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw usage("--filter takes KEY=VALUE, got '" + f + "'");
      }
      String key = f.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = f.substring(eq + 1).trim();
      try {
        switch (key) {
          case "state" -> q = q.state(state(value));
          case "job", "job_id" -> q = q.jobId(ActorFormat.fromHex("job id", value));
          case "name" -> q = q.name(value);
          case "node", "node_id" -> q = q.nodeId(ActorFormat.fromHex("node id", value));
          case "id", "actor_id" -> q = q.actorId(ActorFormat.fromHex("actor id", value));
          default -> throw usage("unknown filter '" + key
              + "'; one of: state, job, name, node, id");
        }
      } catch (IllegalArgumentException e) {
        throw usage("--filter " + key + ": " + e.getMessage());
      }
    }
    return q;
  }

  private static ActorState state(String value) {
    try {
      ActorState s = ActorState.valueOf(value.toUpperCase(Locale.ROOT));
      if (s == ActorState.UNRECOGNIZED) {
        throw new IllegalArgumentException();
      }
      return s;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("one of DEPENDENCIES_UNREADY, PENDING_CREATION, ALIVE, "
          + "RESTARTING, DEAD; got '" + value + "'");
    }
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
