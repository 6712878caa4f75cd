package io.raftgcs.client;

import io.raftgcs.proto.GcsNodeInfo;
import java.util.List;

/**
 * One page of {@code GetAllNodeInfo}.
 *
 * @param nodes the matching nodes, up to the limit
 * @param total all nodes known (alive and kept dead)
 * @param numFiltered nodes that did not match the filters
 * @param revision the revision the answer reflects: subscribe from {@code revision + 1} to follow
 */
public record NodeList(List<GcsNodeInfo> nodes, long total, long numFiltered, long revision) {}
