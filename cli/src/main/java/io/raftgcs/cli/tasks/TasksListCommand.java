package io.raftgcs.cli.tasks;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.JobClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.GetTaskEventsReply;
import io.raftgcs.proto.TaskEventFilters;
import io.raftgcs.proto.TaskEvents;
import io.raftgcs.proto.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl tasks list}: task attempts from the leader's task-event store, oldest first. */
@Command(name = "list", description = "List task attempts the current leader holds, oldest "
    + "first. Task events are not replicated: after a failover, or when events were dropped, the "
    + "answer is partial and says so (complete=false). JSON: {\"tasks\":[...],\"complete\":B,"
    + "\"num_total_stored\":N,...}.")
public final class TasksListCommand extends GcsCommand {
  @Option(names = "--job", paramLabel = "HEX", description = "Only tasks of this job "
      + "(8 hex digits, or '#N').")
  String job;

  @Option(names = "--task", paramLabel = "HEX", description = "Only this task id.")
  String task;

  @Option(names = "--actor", paramLabel = "HEX", description = "Only tasks of this actor.")
  String actor;

  @Option(names = "--name", paramLabel = "NAME", description = "Only tasks with this name.")
  String name;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only tasks in this state, e.g. RUNNING, FINISHED, FAILED.")
  String state;

  @Option(names = "--limit", paramLabel = "N",
      description = "Show at most N task attempts (default: all).")
  Long limit;

  @Override
  protected int run(GcsClient client) {
    if (limit != null && limit < 0) {
      throw usage("--limit must not be negative");
    }
    TaskEventFilters filters = filters();
    GetTaskEventsReply r = client.taskEvents().get(filters, limit);
    List<List<String>> rows = new ArrayList<>();
    List<Object> tasks = new ArrayList<>();
    for (TaskEvents e : r.getEventsByTaskList()) {
      rows.add(row(e));
      tasks.add(json(e));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tasks", tasks);
    m.put("complete", r.getComplete());
    m.put("num_total_stored", r.getNumTotalStored());
    m.put("num_filtered_on_gcs", r.getNumFilteredOnGcs());
    m.put("num_truncated", r.getNumTruncated());
    m.put("num_status_task_events_dropped", r.getNumStatusTaskEventsDropped());
    m.put("num_evicted_by_limit", r.getNumEvictedByLimit());
    m.put("since_ms", r.getSinceMs());
    m.put("leader_id", r.getLeaderId());
    m.put("revision", r.getHeader().getRevision());
    print(new Output(new Output.Table(List.of("TASK_ID", "ATTEMPT", "STATE", "NAME", "JOB_ID",
        "ACTOR_ID", "NODE_ID", "ERROR"), rows), m));
    if (!json()) {
      out().printf("%d shown, %d stored, %d filtered out, %d truncated, by leader %s since %d%n",
          tasks.size(), r.getNumTotalStored(), r.getNumFilteredOnGcs(), r.getNumTruncated(),
          r.getLeaderId().isEmpty() ? "?" : r.getLeaderId(), r.getSinceMs());
      if (!r.getComplete()) {
        out().println(note(r));
      }
      out().flush();
    }
    return ExitCodes.OK;
  }

  /** The note printed under a partial answer. */
  static String note(GetTaskEventsReply r) {
    List<String> why = new ArrayList<>();
    if (r.getNumStatusTaskEventsDropped() > 0) {
      why.add(r.getNumStatusTaskEventsDropped() + " status events dropped");
    }
    if (r.getNumEvictedByLimit() > 0) {
      why.add(r.getNumEvictedByLimit() + " task attempts evicted by the bound");
    }
    if (why.isEmpty()) {
      why.add("this leader took office after an earlier one, whose events are gone");
    }
    return "note: complete=false: the answer may miss task events (" + String.join("; ", why)
        + "); task events are leader-local, not replicated";
  }

  TaskEventFilters filters() {
    TaskEventFilters.Builder b = TaskEventFilters.newBuilder();
    try {
      if (job != null) {
        b.setJobId(ByteString.copyFrom(JobClient.parse(job)));
      }
      if (task != null) {
        b.setTaskId(ByteString.copyFrom(NodeIds.fromHex(task)));
      }
      if (actor != null) {
        b.setActorId(ByteString.copyFrom(NodeIds.fromHex(actor)));
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (name != null) {
      b.setName(name);
    }
    if (state != null) {
      try {
        TaskStatus s = TaskStatus.valueOf(state.trim().toUpperCase(Locale.ROOT));
        if (s == TaskStatus.UNRECOGNIZED) {
          throw new IllegalArgumentException();
        }
        b.setState(s).setHasState(true);
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (TaskStatus s : TaskStatus.values()) {
          if (s != TaskStatus.UNRECOGNIZED) {
            names.add(s.name());
          }
        }
        throw usage("--state: one of " + String.join(", ", names) + ", got '" + state + "'");
      }
    }
    return b.build();
  }

  static Map<String, Object> json(TaskEvents e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", NodeIds.hex(e.getTaskId()));
    m.put("attempt_number", e.getAttemptNumber());
    m.put("job_id", hexOrNull(e.getJobId()));
    m.put("actor_id", hexOrNull(e.getActorId()));
    m.put("name", e.getName());
    m.put("state", e.getState().name());
    Map<String, Object> ts = new LinkedHashMap<>();
    new TreeMap<>(e.getStateTsMsMap()).forEach((k, v) -> {
      TaskStatus s = TaskStatus.forNumber(k);
      ts.put(s == null ? String.valueOf(k) : s.name(), v);
    });
    m.put("state_ts_ms", ts);
    m.put("node_id", hexOrNull(e.getNodeId()));
    m.put("worker_id", hexOrNull(e.getWorkerId()));
    m.put("error_message", e.getErrorMessage());
    return m;
  }

  static List<String> row(TaskEvents e) {
    return List.of(NodeIds.hex(e.getTaskId()), String.valueOf(e.getAttemptNumber()),
        e.getState().name(), dash(e.getName()), dash(hexOrNull(e.getJobId())),
        dash(hexOrNull(e.getActorId())), dash(hexOrNull(e.getNodeId())),
        dash(e.getErrorMessage()));
  }

  private static String hexOrNull(ByteString b) {
    return b.isEmpty() ? null : NodeIds.hex(b);
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
