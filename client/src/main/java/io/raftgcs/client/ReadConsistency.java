package io.raftgcs.client;

/** How a read is served. */
public enum ReadConsistency {
  /** Raft ReadIndex on the leader: sees every write acknowledged before the read started. */
  LINEARIZABLE,
  /** Any replica answers from its applied state; may lag the leader. */
  STALE
}
