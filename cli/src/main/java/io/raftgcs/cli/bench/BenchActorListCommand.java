package io.raftgcs.cli.bench;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.ActorList;
import io.raftgcs.client.ActorQuery;
import io.raftgcs.client.GcsClient;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.ActorTableData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl bench actor-list}: GetAllActorInfo latency over a large actor table, end to end
 * (client, gRPC, linearizable read on the leader). Registers {@code --load} actors first (spread
 * over 10 jobs; they stay DEPENDENCIES_UNREADY, nothing is scheduled), then times {@code --queries}
 * calls of each shape, one at a time. Last line: {@code actors=N job_p50_ms=.. job_p99_ms=..
 * state_p50_ms=.. state_p99_ms=..}.
 */
@Command(name = "actor-list", description = "Load N actors (10 jobs, never scheduled), then time "
    + "GetAllActorInfo with a job filter and with a state filter, limit 100, one call at a time. "
    + "Last line: actors=N job_p50_ms=X job_p99_ms=Y state_p50_ms=Z state_p99_ms=W.")
public final class BenchActorListCommand extends GcsCommand {
  private static final int JOBS = 10;

  @Option(names = "--load", paramLabel = "N", defaultValue = "100000",
      description = "Actors to register before measuring; 0: measure what is there (default: "
          + "${DEFAULT-VALUE}).")
  int load;

  @Option(names = "--queries", paramLabel = "Q", defaultValue = "200",
      description = "Calls of each query shape (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "--load-concurrency", paramLabel = "C", defaultValue = "256",
      description = "Registrations in flight while loading (default: ${DEFAULT-VALUE}).")
  int loadConcurrency;

  @Override
  protected int run(GcsClient client) throws Exception {
    if (load < 0 || queries < 1 || loadConcurrency < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--load must not be negative; --queries and --load-concurrency must be positive");
    }
    byte[][] jobs = new byte[JOBS][];
    for (int j = 0; j < JOBS; j++) {
      jobs[j] = new byte[4];
      ThreadLocalRandom.current().nextBytes(jobs[j]);
    }
    if (load > 0) {
      long t0 = System.nanoTime();
      load(client, jobs);
      out().printf("registered %d actors in %.1f s%n", load, (System.nanoTime() - t0) / 1e9);
      out().flush();
    } else {
      // Measure what is there: query the jobs of the first actors listed.
      List<ByteString> seen = client.actors().getAllActorInfo(ActorQuery.all().limit(1000)).actors()
          .stream().map(ActorTableData::getJobId).distinct().limit(JOBS).toList();
      for (int j = 0; j < JOBS; j++) {
        jobs[j] = seen.isEmpty() ? jobs[j] : seen.get(j % seen.size()).toByteArray();
      }
    }
    Histogram byJob = time(client, i -> ActorQuery.all().jobId(jobs[i % JOBS]).limit(100));
    Histogram byState = time(client,
        i -> ActorQuery.all().state(ActorState.DEPENDENCIES_UNREADY).limit(100));
    long total = client.actors().getAllActorInfo(ActorQuery.all().limit(1)).total();
    out().printf("actors=%d job_p50_ms=%.2f job_p99_ms=%.2f state_p50_ms=%.2f state_p99_ms=%.2f%n",
        total, ms(byJob, 50), ms(byJob, 99), ms(byState, 50), ms(byState, 99));
    return 0;
  }

  private void load(GcsClient client, byte[][] jobs) throws Exception {
    Semaphore slots = new Semaphore(loadConcurrency);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int i = 0; i < load && failed.get() == null; i++) {
      slots.acquire();
      byte[] id = new byte[16];
      ThreadLocalRandom.current().nextBytes(id);
      ActorTableData spec = ActorTableData.newBuilder().setActorId(ByteString.copyFrom(id))
          .setJobId(ByteString.copyFrom(jobs[i % JOBS])).setClassName("ListBench")
          .putRequiredResources("CPU", 1.0).build();
      CompletableFuture<Long> f = client.actors().registerActorAsync(spec);
      f.whenComplete((r, e) -> {
        if (e != null) {
          failed.compareAndSet(null, e);
        }
        slots.release();
      });
    }
    slots.acquire(loadConcurrency); // every registration answered
    slots.release(loadConcurrency);
    if (failed.get() != null) {
      throw new IllegalStateException("registering actors failed: " + failed.get().getMessage(),
          failed.get());
    }
  }

  private Histogram time(GcsClient client, java.util.function.IntFunction<ActorQuery> query) {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    for (int i = 0; i < queries + 20; i++) {
      long t0 = System.nanoTime();
      ActorList l = client.actors().getAllActorInfo(query.apply(i));
      long us = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
      if (i >= 20 && !l.actors().isEmpty()) { // the first 20: warm-up
        h.recordValue(Math.min(us, h.getHighestTrackableValue()));
      }
    }
    return h;
  }

  private static double ms(Histogram h, double pct) {
    return h.getValueAtPercentile(pct) / 1000.0;
  }
}
