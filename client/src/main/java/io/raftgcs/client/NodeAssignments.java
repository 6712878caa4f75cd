package io.raftgcs.client;

import io.raftgcs.proto.ActorTableData;
import java.util.List;

/**
 * The actors placed on one node and not yet confirmed by its agent, at {@code revision}: the list
 * half of an agent's list-then-watch on the NODE_ASSIGNMENT channel.
 */
public record NodeAssignments(List<ActorTableData> actors, long revision) {}
