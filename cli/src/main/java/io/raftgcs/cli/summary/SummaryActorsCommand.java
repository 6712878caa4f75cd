package io.raftgcs.cli.summary;

import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.ActorClient;
import io.raftgcs.client.ActorList;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl summary actors}: actor counts by state and by class, like Ray's. */
@Command(name = "actors", description = "Actor counts by state and by class name (like 'ray "
    + "summary actors'). JSON: {\"total_actors\":N,\"by_state\":{...},\"by_class\":{CLASS:"
    + "{\"total\":N,\"state_counts\":{...}}},\"revision\":R}.")
public final class SummaryActorsCommand extends GcsCommand {
  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    ActorClient actors = stale ? client.actors().stale() : client.actors();
    ActorList list = actors.getAllActorInfo();
    Map<String, Long> byState = new LinkedHashMap<>();
    for (ActorState s : ActorState.values()) {
      if (s != ActorState.UNRECOGNIZED) {
        byState.put(s.name(), 0L);
      }
    }
    Map<String, Map<String, Long>> byClass = new TreeMap<>();
    for (ActorTableData a : list.actors()) {
      byState.merge(a.getState().name(), 1L, Long::sum);
      byClass.computeIfAbsent(a.getClassName().isEmpty() ? "-" : a.getClassName(),
          k -> new TreeMap<>()).merge(a.getState().name(), 1L, Long::sum);
    }
    long total = list.actors().size();
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> classes = new LinkedHashMap<>();
    byClass.forEach((cls, counts) -> {
      long n = counts.values().stream().mapToLong(Long::longValue).sum();
      List<String> parts = new ArrayList<>();
      counts.forEach((s, c) -> parts.add(s + ": " + c));
      rows.add(List.of(cls, String.valueOf(n), String.join(", ", parts)));
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("total", n);
      c.put("state_counts", counts);
      classes.put(cls, c);
    });
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("total_actors", total);
    json.put("by_state", byState);
    json.put("by_class", classes);
    json.put("revision", list.revision());
    if (json()) {
      print(new Output(new Output.Table(List.of(), List.of()), json));
      return ExitCodes.OK;
    }
    out().println("======== Actors Summary (revision " + list.revision() + ") ========");
    out().println("total_actors: " + total);
    List<String> states = new ArrayList<>();
    byState.forEach((s, c) -> states.add(s + ": " + c));
    out().println("by state: " + String.join(", ", states));
    out().println();
    out().flush();
    print(new Output(new Output.Table(List.of("CLASS_NAME", "TOTAL", "STATE_COUNTS"), rows),
        json));
    return ExitCodes.OK;
  }
}
