package io.raftgcs.cli.jobs;

import io.raftgcs.client.JobClient;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.JobTableData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How jobs look in gcsctl output. Job ids are the 4 bytes in hex ("00000001"). */
public final class JobFormat {
  private JobFormat() {}

  public static String state(JobTableData j) {
    return j.getIsDead() ? "FINISHED" : "RUNNING";
  }

  public static Map<String, Object> json(JobTableData j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_id", JobClient.hex(j.getJobId()));
    m.put("job_id_int", j.getJobId().size() == JobClient.ID_LENGTH
        ? (long) JobClient.idValue(j.getJobId().toByteArray()) : null);
    m.put("state", state(j));
    m.put("is_dead", j.getIsDead());
    Map<String, Object> addr = new LinkedHashMap<>();
    addr.put("ip_address", j.getDriverAddress().getIpAddress());
    addr.put("port", j.getDriverAddress().getPort());
    addr.put("node_id", hexOrNull(j.getDriverAddress().getNodeId()));
    addr.put("worker_id", hexOrNull(j.getDriverAddress().getWorkerId()));
    m.put("driver_address", addr);
    m.put("driver_ip_address", j.getDriverIpAddress());
    m.put("driver_pid", j.getDriverPid());
    m.put("start_time_ms", j.getStartTimeMs());
    m.put("end_time_ms", j.getEndTimeMs());
    m.put("namespace", j.getConfig().getRayNamespace());
    m.put("entrypoint", j.getEntrypoint());
    m.put("metadata", new TreeMap<>(j.getConfig().getMetadataMap()));
    m.put("runtime_env_json", j.getConfig().getRuntimeEnvJson());
    m.put("create_revision", j.getCreateRevision());
    m.put("mod_revision", j.getModRevision());
    return m;
  }

  public static List<String> header() {
    return List.of("JOB_ID", "STATE", "DRIVER", "PID", "NAMESPACE", "START_MS", "END_MS",
        "ENTRYPOINT");
  }

  public static List<String> row(JobTableData j) {
    return List.of(JobClient.hex(j.getJobId()), state(j), dash(driver(j)),
        String.valueOf(j.getDriverPid()), dash(j.getConfig().getRayNamespace()),
        String.valueOf(j.getStartTimeMs()), j.getEndTimeMs() > 0
            ? String.valueOf(j.getEndTimeMs()) : "-", dash(j.getEntrypoint()));
  }

  public static List<List<String>> details(JobTableData j) {
    List<List<String>> rows = new ArrayList<>();
    json(j).forEach((k, v) -> {
      if (v instanceof Map<?, ?> map) {
        List<String> parts = new ArrayList<>();
        map.forEach((mk, mv) -> parts.add(mk + "=" + (mv == null ? "-" : mv)));
        rows.add(List.of(k, dash(String.join(",", parts))));
      } else {
        rows.add(List.of(k, v == null ? "-" : dash(String.valueOf(v))));
      }
    });
    return rows;
  }

  private static String driver(JobTableData j) {
    String ip = !j.getDriverIpAddress().isEmpty() ? j.getDriverIpAddress()
        : j.getDriverAddress().getIpAddress();
    return ip + (j.getDriverAddress().getPort() > 0 ? ":" + j.getDriverAddress().getPort() : "");
  }

  static String hexOrNull(com.google.protobuf.ByteString b) {
    return b.isEmpty() ? null : NodeIds.hex(b);
  }

  static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
