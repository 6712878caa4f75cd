package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.GetAllNodeInfoRequest;
import io.raftgcs.proto.NodeSelector;
import io.raftgcs.proto.NodeState;

/**
 * Filters of a node listing; all given filters must match (AND). Immutable; each method returns a
 * modified copy. {@code NodeQuery.all()} matches every node.
 */
public final class NodeQuery {
  private final NodeState state;
  private final ByteString nodeId;
  private final String name;
  private final String address;
  private final Boolean head;
  private final long limit;

  private NodeQuery(NodeState state, ByteString nodeId, String name, String address, Boolean head,
      long limit) {
    this.state = state;
    this.nodeId = nodeId;
    this.name = name;
    this.address = address;
    this.head = head;
    this.limit = limit;
  }

  public static NodeQuery all() {
    return new NodeQuery(NodeState.NODE_STATE_UNSPECIFIED, ByteString.EMPTY, "", "", null, 0);
  }

  /** ALIVE or DEAD; NODE_STATE_UNSPECIFIED: both. */
  public NodeQuery state(NodeState s) {
    return new NodeQuery(s == null ? NodeState.NODE_STATE_UNSPECIFIED : s, nodeId, name, address,
        head, limit);
  }

  public NodeQuery nodeId(byte[] id) {
    return new NodeQuery(state, id == null ? ByteString.EMPTY : ByteString.copyFrom(id), name,
        address, head, limit);
  }

  public NodeQuery name(String n) {
    return new NodeQuery(state, nodeId, n == null ? "" : n, address, head, limit);
  }

  /** The node manager address (IP). */
  public NodeQuery address(String a) {
    return new NodeQuery(state, nodeId, name, a == null ? "" : a, head, limit);
  }

  /** Head node or not; null: either. */
  public NodeQuery head(Boolean h) {
    return new NodeQuery(state, nodeId, name, address, h, limit);
  }

  /** At most this many nodes in the answer (0: no limit); totals count all matches. */
  public NodeQuery limit(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + n);
    }
    return new NodeQuery(state, nodeId, name, address, head, n);
  }

  GetAllNodeInfoRequest.Builder toRequest() {
    GetAllNodeInfoRequest.Builder b = GetAllNodeInfoRequest.newBuilder().setStateFilter(state)
        .setLimit(limit);
    if (!nodeId.isEmpty() || !name.isEmpty() || !address.isEmpty() || head != null) {
      NodeSelector.Builder s = NodeSelector.newBuilder().setNodeId(nodeId).setNodeName(name)
          .setNodeIpAddress(address);
      if (head != null) {
        s.setHasIsHeadNode(true).setIsHeadNode(head);
      }
      b.addNodeSelectors(s);
    }
    return b;
  }
}
