package io.raftgcs.client;

import io.raftgcs.proto.EventBatch;

/**
 * Callbacks of {@link KvClient#listAndWatch}: first a snapshot, then the changes after it.
 * Serialized, on client threads; return quickly.
 */
public interface KvWatchListener {
  /**
   * The entries under the prefix as of {@code snapshot.revision()}. Called first, and again if the
   * stream had to re-list (its position fell out of history): the new snapshot replaces all state.
   */
  void onSnapshot(KvSnapshot snapshot);

  /** Changes of one revision, strictly after the last snapshot's revision, in order. */
  void onEvents(EventBatch batch);

  /** Nothing under the prefix changed up to {@code revision}. */
  default void onProgress(long revision) {}

  /** Terminal failure (e.g. INVALID_ARGUMENT); not called on close. */
  default void onError(GcsException error) {}
}
