package io.raftgcs.cli.pgs;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.client.PlacementGroupClient;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl pgs list}: one row per placement group; all filters must match. */
@Command(name = "list", description = "List placement groups (REMOVED ones included while the "
    + "table keeps them). All --filter options must match. JSON: {\"placement_groups\":[...],"
    + "\"total\":N,\"num_filtered\":M,\"revision\":R}.")
public final class PgsListCommand extends GcsCommand {
  @Option(names = "--filter", paramLabel = "KEY=VALUE",
      description = "state=PENDING|CREATED|RESCHEDULING|REMOVED, strategy=S, name=NAME, "
          + "namespace=NS, job=HEX, detached=true|false, node=HEX (a bundle on it). Repeatable.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N",
      description = "Show at most N groups (default: all); totals still count every group.")
  Long limit;

  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    if (limit != null && limit < 0) {
      throw usage("--limit must not be negative");
    }
    Predicate<PlacementGroupTableData> match = filter();
    PlacementGroupClient pgs = stale ? client.placementGroups().stale() : client.placementGroups();
    // Filters are applied here, so the server is asked for everything when there are some.
    PlacementGroupClient.PlacementGroupList list = pgs.getAll(filters.isEmpty() ? limit : null);
    List<PlacementGroupTableData> shown = new ArrayList<>();
    long filtered = 0;
    for (PlacementGroupTableData g : list.groups()) {
      if (!match.test(g)) {
        filtered++;
      } else if (limit == null || shown.size() < limit) {
        shown.add(g);
      }
    }
    printPage("placement_groups", PgFormat.header(), shown, PgFormat::row, PgFormat::json, list.total(), filtered,
        list.revision());
    return ExitCodes.OK;
  }

  Predicate<PlacementGroupTableData> filter() {
    Predicate<PlacementGroupTableData> p = g -> true;
    for (String f : filters) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw usage("--filter takes KEY=VALUE, got '" + f + "'");
      }
      String key = f.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = f.substring(eq + 1).trim();
      Predicate<PlacementGroupTableData> q = switch (key) {
        case "state" -> {
          PlacementGroupState s = enumValue(PlacementGroupState.class, value, "state");
          yield g -> g.getState() == s;
        }
        case "strategy" -> {
          PlacementStrategy s = enumValue(PlacementStrategy.class, value, "strategy");
          yield g -> g.getStrategy() == s;
        }
        case "name" -> g -> g.getName().equals(value);
        case "namespace", "ns" -> g -> g.getRayNamespace().equals(value);
        case "job", "creator_job_id" -> {
          String hex = hex(value, "job");
          yield g -> NodeIds.hex(g.getCreatorJobId()).equals(hex);
        }
        case "node", "node_id" -> {
          String hex = hex(value, "node");
          yield g -> g.getBundlesList().stream().anyMatch(b -> NodeIds.hex(b.getNodeId())
              .equals(hex));
        }
        case "detached", "is_detached" -> {
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw usage("--filter detached: true or false, got '" + value + "'");
          }
          boolean d = Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
          yield g -> g.getIsDetached() == d;
        }
        default -> throw usage("unknown filter '" + key
            + "'; one of: state, strategy, name, namespace, job, node, detached");
      };
      p = p.and(q);
    }
    return p;
  }

  private String hex(String value, String what) {
    try {
      return NodeIds.hex(NodeIds.fromHex(value));
    } catch (IllegalArgumentException e) {
      throw usage("--filter " + what + ": " + e.getMessage());
    }
  }

  private <E extends Enum<E>> E enumValue(Class<E> type, String value, String what) {
    try {
      E e = Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
      if (e.name().equals("UNRECOGNIZED")) {
        throw new IllegalArgumentException();
      }
      return e;
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        if (!c.name().equals("UNRECOGNIZED")) {
          names.add(c.name());
        }
      }
      throw usage("--filter " + what + ": one of " + String.join(", ", names) + ", got '"
          + value + "'");
    }
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
