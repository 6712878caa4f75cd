package io.raftgcs.client;

import io.raftgcs.proto.ActorTableData;
import java.util.List;

/**
 * One answer of {@link ActorClient#getAll}.
 *
 * @param actors the matching rows, at most the query's limit
 * @param total actors in the table
 * @param numFiltered actors the filters excluded
 * @param revision the revision the answer reflects (list at R, subscribe from R + 1)
 */
public record ActorList(List<ActorTableData> actors, long total, long numFiltered,
    long revision) {}
