package io.raftgcs.cli.nodes;

import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.GcsNodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How nodes look in gcsctl output: JSON objects and table cells. Node ids are hex. */
public final class NodeFormat {
  private NodeFormat() {}

  /** One node as a JSON object (stable field names, snake_case like Ray's). */
  public static Map<String, Object> json(GcsNodeInfo n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node_id", NodeIds.hex(n.getNodeId()));
    m.put("state", n.getState().name());
    m.put("address", n.getNodeManagerAddress());
    m.put("node_manager_port", n.getNodeManagerPort());
    m.put("object_manager_port", n.getObjectManagerPort());
    m.put("hostname", n.getNodeManagerHostname());
    m.put("name", n.getNodeName());
    m.put("is_head_node", n.getIsHeadNode());
    m.put("resources_total", new TreeMap<>(n.getResourcesTotalMap()));
    m.put("labels", new TreeMap<>(n.getLabelsMap()));
    m.put("start_time_ms", n.getStartTimeMs());
    m.put("end_time_ms", n.getEndTimeMs());
    if (n.hasDeathInfo()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("reason", n.getDeathInfo().getReason().name());
      d.put("reason_message", n.getDeathInfo().getReasonMessage());
      m.put("death_info", d);
    } else {
      m.put("death_info", null);
    }
    if (n.hasDrain()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("reason", n.getDrain().getReason().name());
      d.put("reason_message", n.getDrain().getReasonMessage());
      d.put("deadline_ms", n.getDrain().getDeadlineMs());
      d.put("requested_at_ms", n.getDrain().getRequestedAtMs());
      m.put("drain", d);
    } else {
      m.put("drain", null);
    }
    m.put("create_revision", n.getCreateRevision());
    m.put("mod_revision", n.getModRevision());
    return m;
  }

  /** "field  value" rows for one node (gcsctl nodes get). */
  public static List<List<String>> details(GcsNodeInfo n) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("node_id", NodeIds.hex(n.getNodeId())));
    rows.add(List.of("state", n.getState().name()));
    rows.add(List.of("address", dash(n.getNodeManagerAddress())));
    rows.add(List.of("node_manager_port", String.valueOf(n.getNodeManagerPort())));
    rows.add(List.of("object_manager_port", String.valueOf(n.getObjectManagerPort())));
    rows.add(List.of("hostname", dash(n.getNodeManagerHostname())));
    rows.add(List.of("name", dash(n.getNodeName())));
    rows.add(List.of("is_head_node", String.valueOf(n.getIsHeadNode())));
    rows.add(List.of("resources_total", dash(resources(n.getResourcesTotalMap()))));
    List<String> labels = new ArrayList<>();
    new TreeMap<>(n.getLabelsMap()).forEach((k, v) -> labels.add(k + "=" + v));
    rows.add(List.of("labels", dash(String.join(",", labels))));
    rows.add(List.of("start_time_ms", String.valueOf(n.getStartTimeMs())));
    rows.add(List.of("end_time_ms", String.valueOf(n.getEndTimeMs())));
    rows.add(List.of("death_info", n.hasDeathInfo() ? info(n) : "-"));
    rows.add(List.of("drain", n.hasDrain() ? info(n) : "-"));
    rows.add(List.of("create_revision", String.valueOf(n.getCreateRevision())));
    rows.add(List.of("mod_revision", String.valueOf(n.getModRevision())));
    return rows;
  }

  public static List<String> header() {
    return List.of("NODE_ID", "STATE", "ADDRESS", "NAME", "HEAD", "RESOURCES", "INFO");
  }

  public static List<String> row(GcsNodeInfo n) {
    String address = n.getNodeManagerAddress()
        + (n.getNodeManagerPort() > 0 ? ":" + n.getNodeManagerPort() : "");
    return List.of(NodeIds.hex(n.getNodeId()), n.getState().name(), dash(address),
        dash(n.getNodeName()), n.getIsHeadNode() ? "yes" : "no",
        dash(resources(n.getResourcesTotalMap())), dash(info(n)));
  }

  /** "CPU=4,memory=8e+09" with integral values printed without a fraction. */
  public static String resources(Map<String, Double> r) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(r).forEach((k, v) -> parts.add(k + "=" + number(v)));
    return String.join(",", parts);
  }

  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String info(GcsNodeInfo n) {
    if (n.hasDeathInfo()) {
      String msg = n.getDeathInfo().getReasonMessage();
      return n.getDeathInfo().getReason().name() + (msg.isEmpty() ? "" : ": " + msg);
    }
    if (n.hasDrain()) {
      return "draining (" + n.getDrain().getReason().name()
          + (n.getDrain().getDeadlineMs() > 0 ? ", deadline " + n.getDrain().getDeadlineMs() : "")
          + ")";
    }
    return "";
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
