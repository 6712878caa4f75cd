package io.raftgcs.bench;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One system under test, as seen by the load generator. Every operation is asynchronous and is
 * issued on connection {@code conn} (0..{@link Workloads#CONNECTIONS}-1); connection i is pinned to
 * member i mod 3 (raftgcs writes and linearizable reads excepted: they go to the leader, as our
 * client sends them).
 */
public interface Driver extends AutoCloseable {
  String name();

  /** Durable upsert of a 256-byte value. */
  CompletableFuture<?> put(int conn, byte[] key, byte[] value);

  /** Linearizable (true) or serializable / stale (false) read. */
  CompletableFuture<?> get(int conn, byte[] key, boolean linearizable);

  /** True when {@link #get} sends linearizable reads to the leader rather than to the pinned member. */
  default boolean linearizableReadsGoToLeader() {
    return false;
  }

  /**
   * A linearizable read on connection {@code conn}'s own pinned member, for systems whose {@link #get}
   * routes linearizable reads to the leader (see {@link #linearizableReadsGoToLeader}).
   */
  default CompletableFuture<?> getLinearizableAnyMember(int conn, byte[] key) {
    throw new UnsupportedOperationException(name() + " reads linearizably on the pinned member already");
  }

  /** What the linearizable get of this system is, for the table (e.g. "ReadIndex", "sync+getData"). */
  default String linearizableGetNote() {
    return "";
  }

  /** Prepares a key so a watch on it can be armed (ZooKeeper needs the node to exist). */
  default void prepareWatchKey(byte[] key) throws Exception {}

  /** Arms a watch on one key; {@code onValue} receives every delivered value. */
  AutoCloseable watch(int conn, byte[] key, Consumer<byte[]> onValue) throws Exception;

  /** A write sent to one specific member (failover probe); completes when acknowledged. */
  CompletableFuture<?> probePut(int member, byte[] key, byte[] value);

  /** Index of the member that is leader now, or -1 if none is known. */
  int leaderIndex();

  /** True when every member answers and a leader is established (and followers have caught up). */
  boolean healthy();

  /** Called after a member was restarted so connections to it can reconnect at once. */
  default void memberRestarted(int member) {}

  @Override
  void close();
}
