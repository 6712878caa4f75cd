package io.raftgcs.cli.actors;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.nodes.NodeFormat;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Address;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How actors look in gcsctl output. Ids (actor, job, node, worker) are lowercase hex. */
public final class ActorFormat {
  private static final HexFormat HEX = HexFormat.of();

  private ActorFormat() {}

  public static String hex(ByteString b) {
    return HEX.formatHex(b.toByteArray());
  }

  /** Parses a hex id (either case, optional 0x); IllegalArgumentException names {@code what}. */
  public static byte[] fromHex(String what, String hex) {
    String h = hex.trim();
    if (h.startsWith("0x") || h.startsWith("0X")) {
      h = h.substring(2);
    }
    if (h.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex " + what + ": " + hex);
    }
  }

  /** One actor as a JSON object (snake_case, like Ray's state API). */
  public static Map<String, Object> json(ActorTableData a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("actor_id", hex(a.getActorId()));
    m.put("job_id", hex(a.getJobId()));
    m.put("state", a.getState().name());
    m.put("class_name", a.getClassName());
    m.put("name", a.getName());
    m.put("ray_namespace", a.getRayNamespace());
    m.put("node_id", hex(a.getNodeId()));
    m.put("address", a.hasAddress() ? address(a.getAddress()) : null);
    m.put("owner_address", a.hasOwnerAddress() ? address(a.getOwnerAddress()) : null);
    m.put("pid", a.getPid());
    m.put("is_detached", a.getIsDetached());
    m.put("max_restarts", a.getMaxRestarts());
    m.put("num_restarts", a.getNumRestarts());
    m.put("num_restarts_due_to_node_preemption", a.getNumRestartsDueToNodePreemption());
    m.put("num_restarts_due_to_lineage_reconstruction",
        a.getNumRestartsDueToLineageReconstruction());
    m.put("required_resources", new TreeMap<>(a.getRequiredResourcesMap()));
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("kind", a.getSchedulingStrategy().getKind().name());
    if (a.getSchedulingStrategy().hasNodeAffinity()) {
      st.put("node_id", hex(a.getSchedulingStrategy().getNodeAffinity().getNodeId()));
      st.put("soft", a.getSchedulingStrategy().getNodeAffinity().getSoft());
    }
    if (!a.getSchedulingStrategy().getLabelSelectorMap().isEmpty()) {
      st.put("label_selector", new TreeMap<>(a.getSchedulingStrategy().getLabelSelectorMap()));
    }
    if (!a.getSchedulingStrategy().getPlacementGroupId().isEmpty()) {
      st.put("placement_group_id", hex(a.getSchedulingStrategy().getPlacementGroupId()));
      st.put("bundle_index", a.getSchedulingStrategy().getBundleIndex());
    }
    m.put("scheduling_strategy", st);
    m.put("placement_attempt", a.getPlacementAttempt());
    m.put("start_time_ms", a.getStartTimeMs());
    m.put("end_time_ms", a.getEndTimeMs());
    if (a.hasDeathCause()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("kind", a.getDeathCause().getKind().name());
      d.put("message", a.getDeathCause().getMessage());
      m.put("death_cause", d);
    } else {
      m.put("death_cause", null);
    }
    m.put("preempted", a.getPreempted());
    m.put("holds_name", a.getHoldsName());
    m.put("create_revision", a.getCreateRevision());
    m.put("mod_revision", a.getModRevision());
    return m;
  }

  private static Map<String, Object> address(Address ad) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("worker_id", hex(ad.getWorkerId()));
    m.put("node_id", hex(ad.getNodeId()));
    m.put("ip_address", ad.getIpAddress());
    m.put("port", ad.getPort());
    return m;
  }

  public static List<String> header() {
    return List.of("ACTOR_ID", "CLASS_NAME", "STATE", "NAME", "NODE_ID", "RESTARTS", "INFO");
  }

  public static List<String> row(ActorTableData a) {
    String restarts = a.getNumRestarts() + "/"
        + (a.getMaxRestarts() < 0 ? "inf" : String.valueOf(a.getMaxRestarts()));
    String name = a.getName().isEmpty() ? "-"
        : (a.getRayNamespace().isEmpty() ? "" : a.getRayNamespace() + "/") + a.getName();
    return List.of(hex(a.getActorId()), dash(a.getClassName()), a.getState().name(), name,
        dash(hex(a.getNodeId())), restarts, dash(death(a)));
  }

  /** "field  value" rows for one actor (gcsctl actors get). */
  public static List<List<String>> details(ActorTableData a) {
    List<List<String>> rows = new ArrayList<>();
    json(a).forEach((k, v) -> rows.add(List.of(k, v == null ? "-" : text(v))));
    return rows;
  }

  private static String text(Object v) {
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(k + "=" + (x instanceof Double d ? NodeFormat.number(d)
          : text(x))));
      return parts.isEmpty() ? "-" : String.join(",", parts);
    }
    String s = String.valueOf(v);
    return s.isEmpty() ? "-" : s;
  }

  private static String death(ActorTableData a) {
    if (!a.hasDeathCause()) {
      return "";
    }
    String msg = a.getDeathCause().getMessage();
    return a.getDeathCause().getKind().name() + (msg.isEmpty() ? "" : ": " + msg);
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
