package io.raftgcs.cli.nodes;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.client.NodeList;
import io.raftgcs.client.NodeQuery;
import io.raftgcs.proto.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl nodes list}: one row per node; all filters must match. */
@Command(name = "list", description = "List nodes (alive and kept dead). All --filter options "
    + "must match. JSON: {\"nodes\":[...],\"total\":N,\"num_filtered\":M,\"revision\":R}.")
public final class NodesListCommand extends GcsCommand {
  @Option(names = "--filter", paramLabel = "KEY=VALUE",
      description = "state=ALIVE|DEAD, name=NAME, address=IP, head=true|false, id=HEX. "
          + "Repeatable.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Show at most N nodes (default: all); totals still count every match.")
  long limit;

  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    NodeQuery q = query();
    NodeList list = (stale ? client.nodes().stale() : client.nodes()).getAll(q);
    printPage("nodes", NodeFormat.header(), list.nodes(), NodeFormat::row, NodeFormat::json, list.total(),
        list.numFiltered(), list.revision());
    return ExitCodes.OK;
  }

  NodeQuery query() {
    if (limit < 0) {
      throw usage("--limit must not be negative");
    }
    NodeQuery q = NodeQuery.all().limit(limit);
    for (String f : filters) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw usage("--filter takes KEY=VALUE, got '" + f + "'");
      }
      String key = f.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = f.substring(eq + 1).trim();
      switch (key) {
        case "state" -> {
          try {
            NodeState s = NodeState.valueOf(value.toUpperCase(Locale.ROOT));
            if (s != NodeState.ALIVE && s != NodeState.DEAD) {
              throw new IllegalArgumentException();
            }
            q = q.state(s);
          } catch (IllegalArgumentException e) {
            throw usage("--filter state: ALIVE or DEAD, got '" + value + "'");
          }
        }
        case "name" -> q = q.name(value);
        case "address", "ip" -> q = q.address(value);
        case "head", "is_head_node" -> {
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw usage("--filter head: true or false, got '" + value + "'");
          }
          q = q.head(Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
        }
        case "id", "node_id" -> {
          try {
            q = q.nodeId(NodeIds.fromHex(value));
          } catch (IllegalArgumentException e) {
            throw usage("--filter id: " + e.getMessage());
          }
        }
        default -> throw usage("unknown filter '" + key
            + "'; one of: state, name, address, head, id");
      }
    }
    return q;
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
