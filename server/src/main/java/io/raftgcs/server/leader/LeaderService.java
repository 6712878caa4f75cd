package io.raftgcs.server.leader;

/**
 * A service that runs only while this replica is the ready leader. Its state is soft: built in
 * {@link #start} from the replicated tables, thrown away in {@link #stop}; it changes tables only by
 * proposing commands. Both are called on the leader-lifecycle thread.
 */
public interface LeaderService {
  void start();

  void stop();
}
