package io.raftgcs.proof;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-key linearizability of the KV register (Wing &amp; Gong search with memoization, as in Lowe's
 * and porcupine's WGL variants). The model is one key: absent or a value. GET returns it; PUT sets
 * it and reports whether the key was absent; PUT_IF_ABSENT sets it only when absent (reporting
 * whether it did); DEL removes it, reporting whether it was present.
 *
 * <p>Outcomes: OK operations must be linearized between their invocation and completion. FAIL
 * operations (definitive errors) never took effect and are dropped. UNKNOWN writes may take effect
 * at any point after their invocation, or never, with any result; UNKNOWN reads are dropped.
 *
 * <p>The search state is (OK ops linearized, UNKNOWN ops applied, register value). A state is pruned
 * when a visited state had the same OK set and value and a subset of its applied UNKNOWN ops (it
 * could do everything this one can). Each key gets a time budget; running out is reported as
 * {@link Verdict#UNKNOWN}, never as a pass.
 */
public final class LinearizabilityChecker {
  public enum Verdict { OK, VIOLATION, UNKNOWN }

  public record KeyResult(String key, Verdict verdict, int ops, long states, long millis, String detail) {}

  public record Result(List<KeyResult> keys) {
    public long violations() {
      return keys.stream().filter(k -> k.verdict() == Verdict.VIOLATION).count();
    }

    public long unknown() {
      return keys.stream().filter(k -> k.verdict() == Verdict.UNKNOWN).count();
    }
  }

  private static final String INVALID = new String("<invalid>");

  private LinearizabilityChecker() {}

  /** Checks every key of the history independently, each within {@code budgetMillisPerKey}. */
  public static Result check(List<Op> history, long budgetMillisPerKey) {
    Map<String, List<Op>> byKey = new LinkedHashMap<>();
    for (Op op : history) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    List<KeyResult> out = new ArrayList<>();
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      out.add(checkKey(e.getKey(), e.getValue(), budgetMillisPerKey));
    }
    return new Result(out);
  }

  /** Runs the search on a thread with a deep stack (one frame per linearized op). */
  public static KeyResult checkKey(String key, List<Op> ops, long budgetMillis) {
    KeyResult[] res = new KeyResult[1];
    Thread t = new Thread(null, () -> res[0] = new Search(key, ops, budgetMillis).run(), "wgl-" + key, 1L << 29);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new KeyResult(key, Verdict.UNKNOWN, ops.size(), 0, 0, "interrupted");
    }
    return res[0];
  }

  /** The register's next value after {@code op}, or INVALID when the op's recorded result is impossible. */
  static String step(Op op, String state, boolean unknown) {
    boolean present = state != null;
    switch (op.type()) {
      case GET:
        return Objects.equals(state, op.value()) ? state : INVALID;
      case PUT:
        if (!unknown && op.flag() == present) {
          return INVALID;
        }
        return op.value();
      case PUT_IF_ABSENT:
        if (unknown) {
          return present ? state : op.value();
        }
        if (op.flag()) {
          return present ? INVALID : op.value();
        }
        return present ? state : INVALID;
      case DEL:
        if (!unknown && op.flag() != present) {
          return INVALID;
        }
        return null;
      default:
        throw new IllegalStateException();
    }
  }

  private static final class Search {
    private final String key;
    private final Op[] ops; // sorted by invocation
    private final boolean[] required;
    private final int[] byComp; // indexes of required ops sorted by completion
    private final int nRequired;
    private final long deadline;
    private final long started = System.nanoTime();
    private final BitSet done = new BitSet();
    private final BitSet unknownDone = new BitSet();
    private final Map<Memo, List<BitSet>> seen = new HashMap<>();
    private long states;
    private boolean outOfTime;
    private int deepest = -1;
    private String deepestDetail = "";

    Search(String key, List<Op> all, long budgetMillis) {
      this.key = key;
      List<Op> kept = new ArrayList<>();
      for (Op op : all) {
        if (op.outcome() == Op.Outcome.FAIL || (op.outcome() == Op.Outcome.UNKNOWN && !op.isWrite())) {
          continue;
        }
        kept.add(op);
      }
      kept.sort(Comparator.comparingLong(Op::invokeNs));
      this.ops = kept.toArray(new Op[0]);
      this.required = new boolean[ops.length];
      List<Integer> req = new ArrayList<>();
      for (int i = 0; i < ops.length; i++) {
        required[i] = ops[i].outcome() == Op.Outcome.OK;
        if (required[i]) {
          req.add(i);
        }
      }
      req.sort(Comparator.comparingLong(i -> ops[i].completeNs()));
      this.byComp = req.stream().mapToInt(Integer::intValue).toArray();
      this.nRequired = byComp.length;
      this.deadline = started + budgetMillis * 1_000_000L;
    }

    KeyResult run() {
      boolean ok = dfs(null, 0, 0, 0);
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (ok) {
        return new KeyResult(key, Verdict.OK, ops.length, states, ms, "");
      }
      if (outOfTime) {
        return new KeyResult(key, Verdict.UNKNOWN, ops.length, states, ms, "time budget exhausted after " + states
            + " states; deepest " + deepest + "/" + nRequired + " acknowledged ops linearized");
      }
      return new KeyResult(key, Verdict.VIOLATION, ops.length, states, ms, deepestDetail);
    }

    /**
     * @param value register value; {@code reqDone} OK ops linearized; {@code firstComp} lower bound of the
     *     first not-linearized entry of byComp; {@code firstInv} lower bound of the first not-linearized op.
     */
    private boolean dfs(String value, int reqDone, int firstComp, int firstInv) {
      if (reqDone == nRequired) {
        return true;
      }
      if (outOfTime || ((++states & 1023) == 0 && System.nanoTime() > deadline)) {
        outOfTime = true;
        return false;
      }
      while (firstComp < nRequired && done.get(byComp[firstComp])) {
        firstComp++;
      }
      while (firstInv < ops.length && done.get(firstInv)) {
        firstInv++;
      }
      long minComp = ops[byComp[firstComp]].completeNs();
      if (!remember(value)) {
        return false;
      }
      if (reqDone > deepest) {
        deepest = reqDone;
        deepestDetail = explain(value, minComp, firstInv);
      }
      // acknowledged ops first, earliest completion first; then unknown writes.
      List<Integer> cands = new ArrayList<>();
      for (int i = firstInv; i < ops.length && ops[i].invokeNs() <= minComp; i++) {
        if (!done.get(i) && required[i]) {
          cands.add(i);
        }
      }
      cands.sort(Comparator.comparingLong(i -> ops[i].completeNs()));
      for (int i = firstInv; i < ops.length && ops[i].invokeNs() <= minComp; i++) {
        if (!done.get(i) && !required[i]) {
          cands.add(i);
        }
      }
      for (int i : cands) {
        boolean unknown = !required[i];
        String next = step(ops[i], value, unknown);
        if (next == INVALID) {
          continue;
        }
        done.set(i);
        if (unknown) {
          unknownDone.set(i);
        }
        boolean found = dfs(next, reqDone + (unknown ? 0 : 1), firstComp, firstInv);
        done.clear(i);
        if (unknown) {
          unknownDone.clear(i);
        }
        if (found) {
          return true;
        }
        if (outOfTime) {
          return false;
        }
      }
      return false;
    }

    /** False when a visited state dominates this one. */
    private boolean remember(String value) {
      BitSet req = (BitSet) done.clone();
      req.andNot(unknownDone);
      Memo m = new Memo(req, value);
      List<BitSet> prior = seen.computeIfAbsent(m, k -> new ArrayList<>(1));
      for (BitSet p : prior) {
        BitSet x = (BitSet) p.clone();
        x.andNot(unknownDone);
        if (x.isEmpty()) {
          return false;
        }
      }
      prior.add((BitSet) unknownDone.clone());
      return true;
    }

    private String explain(String value, long minComp, int firstInv) {
      StringBuilder b = new StringBuilder();
      b.append("no linearization of key ").append(key).append(": after ").append(done.cardinality())
          .append(" ops the register holds ").append(value == null ? "nil" : value)
          .append(" and none of these can come next:");
      int shown = 0;
      for (int i = firstInv; i < ops.length && ops[i].invokeNs() <= minComp && shown < 12; i++) {
        if (!done.get(i)) {
          b.append("\n    ").append(ops[i]);
          shown++;
        }
      }
      b.append("\n  last linearized ops:");
      int from = Math.max(0, firstInv - 6);
      for (int i = from; i < ops.length && i < firstInv + 12; i++) {
        if (done.get(i)) {
          b.append("\n    ").append(ops[i]);
        }
      }
      return b.toString();
    }
  }

  private record Memo(BitSet req, String value) {}
}
