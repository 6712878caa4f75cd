package io.raftgcs.cli.pgs;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.nodes.NodeFormat;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.PlacementGroupTableData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How placement groups look in gcsctl output. Ids (group, nodes, job, actor) are hex. */
public final class PgFormat {
  private PgFormat() {}

  public static Map<String, Object> json(PlacementGroupTableData g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("placement_group_id", NodeIds.hex(g.getPlacementGroupId()));
    m.put("name", g.getName());
    m.put("namespace", g.getRayNamespace());
    m.put("state", g.getState().name());
    m.put("strategy", g.getStrategy().name());
    m.put("is_detached", g.getIsDetached());
    List<Object> bundles = new ArrayList<>();
    for (Bundle b : g.getBundlesList()) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("bundle_index", b.getBundleIndex());
      bm.put("unit_resources", new TreeMap<>(b.getUnitResourcesMap()));
      bm.put("node_id", hexOrNull(b.getNodeId()));
      bundles.add(bm);
    }
    m.put("bundles", bundles);
    m.put("creator_job_id", hexOrNull(g.getCreatorJobId()));
    m.put("creator_actor_id", hexOrNull(g.getCreatorActorId()));
    m.put("creator_job_dead", g.getCreatorJobDead());
    m.put("creator_actor_dead", g.getCreatorActorDead());
    m.put("creation_timestamp_ms", g.getCreationTimestampMs());
    m.put("final_bundle_placement_timestamp_ms", g.getFinalBundlePlacementTimestampMs());
    m.put("removal_timestamp_ms", g.getRemovalTimestampMs());
    m.put("scheduling_attempt", g.getSchedulingAttempt());
    m.put("holds_name", g.getHoldsName());
    m.put("create_revision", g.getCreateRevision());
    m.put("mod_revision", g.getModRevision());
    return m;
  }

  public static List<String> header() {
    return List.of("PLACEMENT_GROUP_ID", "STATE", "STRATEGY", "NAME", "BUNDLES", "PLACED",
        "DETACHED", "CREATOR_JOB");
  }

  public static List<String> row(PlacementGroupTableData g) {
    long placed = g.getBundlesList().stream().filter(b -> !b.getNodeId().isEmpty()).count();
    String name = g.getName().isEmpty() ? "-"
        : (g.getRayNamespace().isEmpty() ? "" : g.getRayNamespace() + "/") + g.getName();
    return List.of(NodeIds.hex(g.getPlacementGroupId()), g.getState().name(),
        g.getStrategy().name(), name, String.valueOf(g.getBundlesCount()),
        placed + "/" + g.getBundlesCount(), g.getIsDetached() ? "yes" : "no",
        dash(hexOrNull(g.getCreatorJobId())));
  }

  /** "field value" rows, then one row per bundle. */
  public static List<List<String>> details(PlacementGroupTableData g) {
    List<List<String>> rows = new ArrayList<>();
    json(g).forEach((k, v) -> {
      if (!k.equals("bundles")) {
        rows.add(List.of(k, v == null ? "-" : dash(String.valueOf(v))));
      }
    });
    for (Bundle b : g.getBundlesList()) {
      rows.add(List.of("bundle[" + b.getBundleIndex() + "]",
          dash(NodeFormat.resources(b.getUnitResourcesMap())) + " on "
              + (b.getNodeId().isEmpty() ? "(unplaced)" : NodeIds.hex(b.getNodeId()))));
    }
    return rows;
  }

  static String hexOrNull(ByteString b) {
    return b.isEmpty() ? null : NodeIds.hex(b);
  }

  static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
