package io.raftgcs.client;

import io.raftgcs.proto.NodeResources;
import java.util.List;
import java.util.Map;

/**
 * The leader's resource view: the replicated totals and availability plus each node's last
 * heartbeat report (which only the leader holds).
 *
 * @param nodes one entry per alive node, with {@code resources_reported}, {@code load} and {@code
 *     last_heartbeat_age_ms} when the leader has heard from it
 * @param clusterTotal sum of totals by resource
 * @param clusterAvailable sum of availability (total minus committed allocations) by resource
 * @param revision the leader's applied revision
 */
public record ResourceUsage(List<NodeResources> nodes, Map<String, Double> clusterTotal,
    Map<String, Double> clusterAvailable, long revision) {}
