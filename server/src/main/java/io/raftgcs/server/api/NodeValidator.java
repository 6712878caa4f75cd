package io.raftgcs.server.api;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.DrainReason;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.HeartbeatRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.UnregisterNodeRequest;
import java.util.Map;

/** Pure checks of node requests before anything is proposed; each failure names the field. */
public final class NodeValidator {
  public static final int MAX_ID_BYTES = 64;
  /** Ray's NodeID: exactly 28 bytes (kUniqueIDSize). */
  public static final int NODE_ID_BYTES = 28;
  public static final int MAX_NAME_CHARS = 256;
  public static final int MAX_RESOURCES = 128;
  public static final int MAX_LABELS = 128;

  private NodeValidator() {}

  public static void nodeId(String field, ByteString id) {
    if (id.isEmpty()) {
      throw Errors.invalid(field + ": must not be empty");
    }
    if (id.size() > MAX_ID_BYTES) {
      throw Errors.invalid(field + ": " + id.size() + " bytes exceeds the limit of " + MAX_ID_BYTES);
    }
  }

  /** A node id on a path that writes the node table or reaches the monitor: exactly Ray's size. */
  public static void exactNodeId(String field, ByteString id) {
    nodeId(field, id);
    if (id.size() != NODE_ID_BYTES) {
      throw Errors.invalid(field + ": must be exactly " + NODE_ID_BYTES + " bytes (Ray's NodeID), got "
          + id.size());
    }
  }

  public static void register(RegisterNodeRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    if (!r.hasNodeInfo()) {
      throw Errors.invalid("node_info: required");
    }
    GcsNodeInfo n = r.getNodeInfo();
    exactNodeId("node_info.node_id", n.getNodeId());
    text("node_info.node_manager_address", n.getNodeManagerAddress());
    text("node_info.node_manager_hostname", n.getNodeManagerHostname());
    text("node_info.node_name", n.getNodeName());
    port("node_info.node_manager_port", n.getNodeManagerPort());
    port("node_info.object_manager_port", n.getObjectManagerPort());
    resources("node_info.resources_total", n.getResourcesTotalMap());
    if (n.getLabelsCount() > MAX_LABELS) {
      throw Errors.invalid("node_info.labels: more than " + MAX_LABELS + " labels");
    }
    n.getLabelsMap().forEach((k, v) -> {
      text("node_info.labels key", k);
      text("node_info.labels[" + k + "]", v);
    });
  }

  public static void unregister(UnregisterNodeRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    exactNodeId("node_id", r.getNodeId());
    if (r.getNodeDeathInfo().getReason() == NodeDeathInfo.Reason.UNRECOGNIZED) {
      throw Errors.invalid("node_death_info.reason: unknown value " + r.getNodeDeathInfo().getReasonValue());
    }
    text("node_death_info.reason_message", r.getNodeDeathInfo().getReasonMessage());
  }

  public static void drain(DrainNodeRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    exactNodeId("node_id", r.getNodeId());
    if (r.getReason() == DrainReason.UNRECOGNIZED) {
      throw Errors.invalid("reason: unknown value " + r.getReasonValue());
    }
    text("reason_message", r.getReasonMessage());
    if (r.getDeadlineMs() < 0) {
      throw Errors.invalid("deadline_ms: must not be negative");
    }
  }

  public static void heartbeat(HeartbeatRequest r) {
    exactNodeId("node_id", r.getNodeId());
    resources("resources_available", r.getResourcesAvailableMap());
  }

  public static void resources(String field, Map<String, Double> res) {
    if (res.size() > MAX_RESOURCES) {
      throw Errors.invalid(field + ": more than " + MAX_RESOURCES + " resources");
    }
    res.forEach((k, v) -> {
      if (k.isEmpty() || k.length() > MAX_NAME_CHARS) {
        throw Errors.invalid(field + ": resource names must be 1-" + MAX_NAME_CHARS + " characters");
      }
      if (v == null || v.isNaN() || v.isInfinite() || v < 0) {
        throw Errors.invalid(field + "[" + k + "]: must be a finite, non-negative number");
      }
    });
  }

  static void text(String field, String s) {
    if (s.length() > MAX_NAME_CHARS) {
      throw Errors.invalid(field + ": longer than " + MAX_NAME_CHARS + " characters");
    }
  }

  static void port(String field, int p) {
    if (p < 0 || p > 65535) {
      throw Errors.invalid(field + ": " + p + " is not a port");
    }
  }
}
