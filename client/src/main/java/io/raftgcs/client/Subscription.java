package io.raftgcs.client;

import io.raftgcs.proto.EventBatch;
import java.util.concurrent.CompletableFuture;

/**
 * A live event stream that survives replica deaths, leader changes and slow-consumer cut-offs by
 * reconnecting (to another replica when possible) and resuming from the last revision seen + 1.
 * Delivery is exactly the committed sequence: ordered by revision, every matching revision once,
 * all events of one revision in one {@link EventBatch}.
 *
 * <p>Created by {@link GcsClient#subscribe}; runs until {@link #close} or a terminal error. Closing
 * the {@link GcsClient} closes its subscriptions.
 */
public interface Subscription extends AutoCloseable {

  /**
   * Callbacks of one subscription. Calls are serialized (never concurrent) and run on gRPC threads:
   * return quickly. Blocking applies back-pressure to this stream only; a consumer blocked for
   * long is cut off by the server and transparently resumed. An exception thrown by a callback is
   * logged and does not end the subscription.
   */
  interface Listener {
    /** The matching events of one revision; revisions strictly increase across calls. */
    void onEvents(EventBatch batch);

    /** Everything up to {@code revision} was delivered or did not match. Strictly increasing. */
    default void onProgress(long revision) {}

    /**
     * The subscription ended and will not resume. {@link GcsException.Code#OUT_OF_RANGE}: the next
     * revision needed is no longer in the cluster's history ({@link GcsException#oldestRevision()}
     * names the oldest one kept): re-list and subscribe again. {@code INVALID_ARGUMENT}: the
     * request was rejected. Not called on {@link #close}.
     */
    default void onError(GcsException error) {}
  }

  /**
   * The revision up to which this subscription has delivered everything (events or bookmarks);
   * after a reconnect it resumes at this + 1. -1 before the first answer of a "from now" stream.
   */
  long lastRevision();

  /** Completes with the revision the stream starts after, once the first replica answered. */
  CompletableFuture<Long> started();

  /** The replica currently streaming, or null while (re)connecting. */
  String endpoint();

  /** How many times the stream was re-established. */
  long reconnects();

  /** False once closed or failed terminally. */
  boolean isActive();

  /** Stops the stream; no callbacks are made once this returns (except one already running). */
  @Override
  void close();
}
