package io.raftgcs.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop every unary RPC goes through: picks the endpoint (cached leader, hint, or next
 * replica), applies the per-attempt timeout, follows not-leader hints, backs off between failed
 * attempts, and stops at the overall deadline.
 *
 * <p>Callers build the request once, so a retried write carries the same request id. Attempts are
 * started from gRPC callback threads or the backoff scheduler; nothing here blocks.
 */
final class CallExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);

  static final Metadata.Key<String> LEADER_API =
      Metadata.Key.of("gcs-leader-api", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> LEADER_ID =
      Metadata.Key.of("gcs-leader-id", Metadata.ASCII_STRING_MARSHALLER);

  /** One RPC attempt on a channel that already carries the attempt's deadline. */
  @FunctionalInterface
  interface Rpc<R> {
    ListenableFuture<R> call(Channel channel);
  }

  /** Retry timing; all durations positive. */
  record Timing(Duration requestTimeout, Duration deadline, Duration initialBackoff,
      Duration maxBackoff) {}

  private final ChannelPool channels;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;
  private final RevisionTracker revisions;
  private final Timing timing;

  CallExecutor(ChannelPool channels, Endpoints endpoints, ScheduledExecutorService scheduler,
      RevisionTracker revisions, Timing timing) {
    this.channels = channels;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
    this.revisions = revisions;
    this.timing = timing;
  }

  <R> CompletableFuture<R> execute(CallSpec spec, Rpc<R> rpc) {
    return execute(spec, timing.deadline(), rpc);
  }

  /**
   * With an overall deadline of its own instead of the client's: for calls the server holds (e.g.
   * WaitPlacementGroupUntilReady), together with a matching {@link CallSpec#attemptTimeout}.
   */
  <R> CompletableFuture<R> execute(CallSpec spec, Duration deadline, Rpc<R> rpc) {
    Call<R> call = new Call<>(spec, rpc, deadline);
    call.attempt();
    return call.result;
  }

  /** Maps a status code seen on the wire to the client's code. */
  static GcsException.Code codeOf(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> GcsException.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> GcsException.Code.NOT_FOUND;
      case ALREADY_EXISTS -> GcsException.Code.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> GcsException.Code.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> GcsException.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE, ABORTED -> GcsException.Code.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> GcsException.Code.DEADLINE_EXCEEDED;
      case OUT_OF_RANGE -> GcsException.Code.OUT_OF_RANGE;
      case INTERNAL, UNIMPLEMENTED, DATA_LOSS -> GcsException.Code.INTERNAL;
      case CANCELLED -> GcsException.Code.CANCELLED;
      default -> GcsException.Code.UNKNOWN;
    };
  }

  /** Codes after which another attempt may succeed. */
  private static boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.ABORTED
        || code == Status.Code.CANCELLED; // server-side stream reset while a replica stops
  }

  /** State of one logical call across its attempts. Touched by one thread at a time. */
  private final class Call<R> {
    final CallSpec spec;
    final Rpc<R> rpc;
    final CompletableFuture<R> result = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    final long deadlineNanos;
    final Backoff backoff = new Backoff(timing.initialBackoff(), timing.maxBackoff());
    String endpoint;
    int attempts;
    int hintsInARow;
    boolean maybeApplied;
    Status lastStatus = Status.UNAVAILABLE.withDescription("no attempt made");
    String lastEndpoint;
    boolean lastAttemptClipped;

    Call(CallSpec spec, Rpc<R> rpc, Duration deadline) {
      this.spec = spec;
      this.rpc = rpc;
      this.deadlineNanos = startNanos + deadline.toNanos();
      this.endpoint = endpoints.first(spec);
    }

    void attempt() {
      if (result.isDone()) {
        return; // cancelled by the caller
      }
      if (channels.isClosed()) {
        fail(Status.CANCELLED.withDescription("client is closed"));
        return;
      }
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        fail(lastStatus);
        return;
      }
      Duration perAttempt = spec.attemptTimeout() != null ? spec.attemptTimeout()
          : timing.requestTimeout();
      long attemptNanos = Math.min(perAttempt.toNanos(), remaining);
      lastAttemptClipped = attemptNanos < perAttempt.toNanos();
      attempts++;
      lastEndpoint = endpoint;
      String target = endpoint;
      ListenableFuture<R> f;
      try {
        Channel ch = ClientInterceptors.intercept(channels.get(target),
            new DeadlineInterceptor(Deadline.after(attemptNanos, TimeUnit.NANOSECONDS)));
        f = rpc.call(ch);
      } catch (GcsException e) {
        result.completeExceptionally(e);
        return;
      } catch (RuntimeException e) {
        fail(Status.INTERNAL.withDescription("call setup failed: " + e).withCause(e));
        return;
      }
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          f.cancel(true);
        }
      });
      Futures.addCallback(f, new FutureCallback<R>() {
        @Override
        public void onSuccess(R reply) {
          if (spec.route() == CallSpec.Route.LEADER) {
            endpoints.leaderAnswered(target);
          }
          revisions.observe(reply);
          result.complete(reply);
        }

        @Override
        public void onFailure(Throwable t) {
          onAttemptFailed(target, t);
        }
      }, MoreExecutors.directExecutor());
    }

    void onAttemptFailed(String target, Throwable t) {
      Status status = Status.fromThrowable(t);
      Metadata trailers = Status.trailersFromThrowable(t);
      Status.Code code = status.getCode();
      if (code == Status.Code.DEADLINE_EXCEEDED && lastAttemptClipped && attempts > 1) {
        // Cut short by the overall deadline: the previous failure says more about why.
        maybeApplied |= spec.mutating();
        fail(lastStatus);
        return;
      }
      lastStatus = status;
      if (!retryable(code) || result.isDone()) {
        fail(status);
        return;
      }
      if (spec.mutating()) {
        // A not-leader answer from a follower rejects the request, but the same code also comes
        // back from a leader that lost its term mid-proposal: stay conservative.
        maybeApplied = true;
      }
      if (attempts >= spec.maxAttempts()) {
        fail(status);
        return;
      }
      String hint = spec.route() == CallSpec.Route.LEADER && code == Status.Code.UNAVAILABLE
          && trailers != null ? trailers.get(LEADER_API) : null;
      if (hint != null && !hint.isEmpty() && !hint.equals(target)
          && hintsInARow < endpoints.known().size() + 1) {
        hintsInARow++;
        endpoints.leaderHint(hint);
        endpoint = hint;
        LOG.debug("{}: {} is not the leader, following hint to {}", spec.method(), target, hint);
        attempt(); // the failure arrived on a gRPC thread; no stack growth
        return;
      }
      hintsInARow = 0;
      if (spec.route() == CallSpec.Route.LEADER) {
        endpoints.notLeader(target);
      }
      endpoint = hint != null && !hint.isEmpty() ? hint : endpoints.after(spec, target);
      long delay = backoff.nextDelayNanos();
      if (System.nanoTime() + delay >= deadlineNanos) {
        fail(status);
        return;
      }
      LOG.debug("{}: attempt {} at {} failed ({}), retrying at {} in {} ms", spec.method(),
          attempts, target, code, endpoint, TimeUnit.NANOSECONDS.toMillis(delay));
      try {
        scheduler.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        fail(Status.CANCELLED.withDescription("client is closed"));
      }
    }

    void fail(Status status) {
      GcsException.Code code = channels.isClosed() && status.getCode() == Status.Code.UNAVAILABLE
          ? GcsException.Code.CANCELLED : codeOf(status.getCode());
      boolean unknown = spec.mutating() && maybeApplied && !code.isDefinitive();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      String desc = status.getDescription() != null ? status.getDescription()
          : status.getCause() != null ? status.getCause().toString() : "";
      String msg = attempts <= 1 || code.isDefinitive()
          ? String.format("%s: %s%s%s", spec.method(), status.getCode(),
              desc.isEmpty() ? "" : ": " + desc, unknown ? " (outcome unknown)" : "")
          : String.format("%s failed after %d attempts in %d ms (last endpoint %s): %s%s%s",
              spec.method(), attempts, elapsedMs, lastEndpoint, status.getCode(),
              desc.isEmpty() ? "" : ": " + desc, unknown ? " (outcome unknown)" : "");
      result.completeExceptionally(new GcsException(code, msg, unknown, status.getCause()));
    }
  }

  /** Sets one attempt's deadline on every call made through the wrapped channel. */
  private static final class DeadlineInterceptor implements ClientInterceptor {
    private final Deadline deadline;

    DeadlineInterceptor(Deadline deadline) {
      this.deadline = deadline;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return next.newCall(method, options.withDeadline(deadline));
    }
  }
}
