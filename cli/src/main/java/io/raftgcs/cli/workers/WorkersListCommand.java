package io.raftgcs.cli.workers;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.client.WorkerClient;
import io.raftgcs.proto.WorkerTableData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gcsctl workers list}: one row per worker. */
@Command(name = "list", description = "List workers (alive and dead). JSON: {\"workers\":[...],"
    + "\"total\":N,\"num_filtered\":M,\"revision\":R}.")
public final class WorkersListCommand extends GcsCommand {
  @Option(names = "--alive", description = "Only alive workers.")
  boolean alive;

  @Option(names = "--dead", description = "Only dead workers.")
  boolean dead;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Show at most N workers (default: all).")
  long limit;

  @Option(names = "--stale", description = "Let any replica answer from its local state.")
  boolean stale;

  @Override
  protected int run(GcsClient client) {
    if (alive && dead) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--alive and --dead exclude each other");
    }
    if (limit < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--limit must not be negative");
    }
    WorkerClient workers = stale ? client.workers().stale() : client.workers();
    WorkerClient.WorkerList list = workers.getAll(limit, alive ? Boolean.TRUE
        : dead ? Boolean.FALSE : null);
    List<List<String>> rows = new ArrayList<>();
    List<Object> json = new ArrayList<>();
    for (WorkerTableData w : list.workers()) {
      rows.add(row(w));
      json.add(json(w));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workers", json);
    m.put("total", list.total());
    m.put("num_filtered", list.numFiltered());
    m.put("revision", list.revision());
    print(new Output(new Output.Table(List.of("WORKER_ID", "ALIVE", "TYPE", "NODE_ID",
        "ADDRESS", "PID", "JOB_ID", "EXIT"), rows), m));
    if (!json()) {
      out().printf("%d shown, %d total, %d filtered out, at revision %d%n",
          list.workers().size(), list.total(), list.numFiltered(), list.revision());
      out().flush();
    }
    return ExitCodes.OK;
  }

  static Map<String, Object> json(WorkerTableData w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("worker_id", hexOrNull(w.getWorkerAddress().getWorkerId()));
    m.put("node_id", hexOrNull(w.getWorkerAddress().getNodeId()));
    m.put("ip_address", w.getWorkerAddress().getIpAddress());
    m.put("port", w.getWorkerAddress().getPort());
    m.put("is_alive", w.getIsAlive());
    m.put("worker_type", type(w));
    m.put("pid", w.getPid());
    m.put("job_id", hexOrNull(w.getJobId()));
    m.put("exit_type", w.getIsAlive() ? null : w.getExitType().name());
    m.put("exit_detail", w.getExitDetail());
    m.put("creation_task_exception", w.getCreationTaskException());
    m.put("start_time_ms", w.getStartTimeMs());
    m.put("end_time_ms", w.getEndTimeMs());
    m.put("mod_revision", w.getModRevision());
    return m;
  }

  static List<String> row(WorkerTableData w) {
    String addr = w.getWorkerAddress().getIpAddress()
        + (w.getWorkerAddress().getPort() > 0 ? ":" + w.getWorkerAddress().getPort() : "");
    String exit = w.getIsAlive() ? "-" : w.getExitType().name()
        + (w.getExitDetail().isEmpty() ? "" : ": " + w.getExitDetail());
    return List.of(dash(hexOrNull(w.getWorkerAddress().getWorkerId())),
        w.getIsAlive() ? "yes" : "no", type(w), dash(hexOrNull(w.getWorkerAddress().getNodeId())),
        dash(addr), String.valueOf(w.getPid()), dash(hexOrNull(w.getJobId())), exit);
  }

  private static String type(WorkerTableData w) {
    return w.getWorkerType() == 1 ? "DRIVER" : w.getWorkerType() == 0 ? "WORKER"
        : String.valueOf(w.getWorkerType());
  }

  private static String hexOrNull(ByteString b) {
    return b.isEmpty() ? null : NodeIds.hex(b);
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
