package io.raftgcs.proof;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop client workers, each with its own {@link GcsClient} (one logical process, one op at a
 * time). Register workers do GET / PUT / PUT_IF_ABSENT / DEL on a small key space {@code r/k<i>};
 * set workers PUT unique keys {@code u/<worker>-<seq>}. Every written value is unique.
 */
public final class Workload {
  public static final String NS = "proof";
  public static final String REG_PREFIX = "r/";
  public static final String SET_PREFIX = "u/";

  private final String endpoints;
  private final int registerWorkers;
  private final int setWorkers;
  private final int keys;
  private final long seed;
  private final long t0;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong opIds = new AtomicLong();
  private final List<Op> history = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = new ArrayList<>();
  private final List<GcsClient> clients = new ArrayList<>();
  private final long thinkMicros;

  public Workload(String endpoints, int registerWorkers, int setWorkers, int keys, long seed, long t0, long thinkMicros) {
    this.endpoints = endpoints;
    this.registerWorkers = registerWorkers;
    this.setWorkers = setWorkers;
    this.keys = keys;
    this.seed = seed;
    this.t0 = t0;
    this.thinkMicros = thinkMicros;
  }

  public static GcsClient newClient(String endpoints) {
    return GcsClient.builder().endpoints(endpoints).requestTimeout(Duration.ofMillis(1000))
        .deadline(Duration.ofSeconds(4)).maxBackoff(Duration.ofMillis(200)).build();
  }

  public long now() {
    return System.nanoTime() - t0;
  }

  public void start() {
    for (int w = 0; w < registerWorkers + setWorkers; w++) {
      final int worker = w;
      GcsClient c = newClient(endpoints);
      clients.add(c);
      Thread t = new Thread(() -> {
        Random rnd = new Random(seed * 1_000_003L + worker);
        long seq = 0;
        while (!stop.get()) {
          seq++;
          if (worker < registerWorkers) {
            registerOp(c, worker, seq, rnd);
          } else {
            String k = SET_PREFIX + worker + "-" + seq;
            invoke(c, worker, Op.Type.PUT, k, "s" + worker + "-" + seq);
          }
          think(rnd);
        }
      }, "worker-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void think(Random rnd) {
    if (thinkMicros <= 0) {
      return;
    }
    try {
      long us = thinkMicros / 2 + (long) (rnd.nextDouble() * thinkMicros);
      Thread.sleep(us / 1000, (int) (us % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void registerOp(GcsClient c, int worker, long seq, Random rnd) {
    String key = REG_PREFIX + "k" + rnd.nextInt(keys);
    String value = "w" + worker + "-" + seq;
    int p = rnd.nextInt(100);
    if (p < 45) {
      invoke(c, worker, Op.Type.GET, key, null);
    } else if (p < 80) {
      invoke(c, worker, Op.Type.PUT, key, value);
    } else if (p < 90) {
      invoke(c, worker, Op.Type.PUT_IF_ABSENT, key, value);
    } else {
      invoke(c, worker, Op.Type.DEL, key, null);
    }
  }

  /** Performs one op and records it with its outcome. */
  public Op invoke(GcsClient c, int worker, Op.Type type, String key, String value) {
    long id = opIds.incrementAndGet();
    long inv = now();
    Op op;
    try {
      switch (type) {
        case GET -> {
          Optional<String> v = c.kv().get(NS, key);
          op = Op.ok(id, worker, type, key, v.orElse(null), inv, now(), false);
        }
        case PUT -> {
          boolean added = c.kv().put(NS, key, value, true);
          op = Op.ok(id, worker, type, key, value, inv, now(), added);
        }
        case PUT_IF_ABSENT -> {
          boolean added = c.kv().put(NS, key, value, false);
          op = Op.ok(id, worker, type, key, value, inv, now(), added);
        }
        case DEL -> {
          boolean deleted = c.kv().del(NS, key) > 0;
          op = Op.ok(id, worker, type, key, null, inv, now(), deleted);
        }
        default -> throw new IllegalStateException();
      }
    } catch (GcsException e) {
      String err = e.code() + ": " + e.getMessage();
      if (type == Op.Type.GET) {
        // a read that failed or timed out has no effect either way; the checker drops it
        op = e.code().isDefinitive() ? Op.fail(id, worker, type, key, value, inv, now(), err)
            : Op.unknown(id, worker, type, key, value, inv, err);
      } else if (e.isOutcomeUnknown()) {
        op = Op.unknown(id, worker, type, key, value, inv, err);
      } else {
        op = Op.fail(id, worker, type, key, value, inv, now(), err);
      }
    } catch (RuntimeException e) {
      // anything unexpected: cannot know whether it applied
      op = Op.unknown(id, worker, type, key, value, inv, e.toString());
    }
    history.add(op);
    return op;
  }

  public void stopAndJoin() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }
    for (GcsClient c : clients) {
      c.close();
    }
  }

  public List<Op> history() {
    synchronized (history) {
      return new ArrayList<>(history);
    }
  }

  public int keys() {
    return keys;
  }
}
