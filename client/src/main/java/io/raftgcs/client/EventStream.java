package io.raftgcs.client;

import io.raftgcs.proto.EventBatch;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Blocking form of a {@link Subscription}: batches are queued (bounded; a full queue holds the
 * stream back, see {@link Subscription.Listener}) and taken by one consumer thread.
 *
 * <pre>{@code
 * try (EventStream s = gcs.stream(SubscribeOptions.kvPrefix("ns", "a/"))) {
 *   for (EventBatch b : s) { ... }        // ends only by close() or a terminal GcsException
 * }
 * }</pre>
 */
public final class EventStream implements AutoCloseable, Iterable<EventBatch> {
  private static final Object CLOSED = new Object();

  private final BlockingQueue<Object> queue;
  private final Subscription subscription;
  private volatile boolean closed;

  EventStream(GcsClient client, SubscribeOptions options, int capacity) {
    this.queue = new LinkedBlockingQueue<>(capacity);
    this.subscription = client.subscribe(options, new Subscription.Listener() {
      @Override
      public void onEvents(EventBatch batch) {
        enqueue(batch);
      }

      @Override
      public void onError(GcsException error) {
        enqueue(error);
      }
    });
  }

  private void enqueue(Object item) {
    try {
      while (!closed) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The underlying subscription (position, endpoint, reconnect count). */
  public Subscription subscription() {
    return subscription;
  }

  /**
   * The next batch, waiting as long as needed. Throws the terminal {@link GcsException} (e.g.
   * OUT_OF_RANGE) if the subscription failed, CANCELLED once closed.
   */
  public EventBatch take() throws InterruptedException {
    return unwrap(queue.take());
  }

  /** The next batch, or null if none arrives within {@code timeout}. Throws as {@link #take}. */
  public EventBatch poll(Duration timeout) throws InterruptedException {
    Object o = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return o == null ? null : unwrap(o);
  }

  private EventBatch unwrap(Object o) {
    if (o instanceof EventBatch b) {
      return b;
    }
    queue.offer(o); // keep the end visible to later calls
    if (o instanceof GcsException e) {
      throw e.rethrownHere();
    }
    throw new GcsException(GcsException.Code.CANCELLED, "event stream closed");
  }

  /** Blocking iterator; {@code hasNext} waits; ends quietly once closed, throws terminal errors. */
  @Override
  public Iterator<EventBatch> iterator() {
    return new Iterator<>() {
      private EventBatch next;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        try {
          next = take();
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (GcsException e) {
          if (e.code() == GcsException.Code.CANCELLED) {
            return false;
          }
          throw e;
        }
      }

      @Override
      public EventBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        EventBatch b = next;
        next = null;
        return b;
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    subscription.close();
    queue.clear();
    queue.offer(CLOSED);
  }
}
