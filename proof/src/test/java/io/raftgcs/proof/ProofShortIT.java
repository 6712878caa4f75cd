package io.raftgcs.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form inside {@code mvn verify}: three real gcs-server processes, a leader kill -9 and a
 * follower kill -9 (each restarted) under concurrent KV clients; linearizability, lost writes, watch
 * and digests must all pass. About 1-2 minutes.
 */
class ProofShortIT {
  @Test
  void leaderAndFollowerKill9() throws Exception {
    long seed = Long.getLong("proof.seed", 42L);
    ProofRun.Config d = ProofRun.Config.defaults(40_000, 3, seed,
        List.of(Nemesis.Kind.KILL_LEADER, Nemesis.Kind.KILL_FOLLOWER));
    ProofRun.Config cfg = new ProofRun.Config(d.durationMs(), 3, seed, d.faults(), 4, 2, 6, 2000, 20_000, null, false,
        d.serverArgs(), 2, true);
    ProofRun.Report r = new ProofRun(cfg, System.out).run();
    assertTrue(r.faults() >= 2, "faults injected: " + r.faults());
    assertTrue(r.okOps() > 200, "acknowledged ops: " + r.okOps());
    assertEquals(0, r.lost(), r.problems().toString());
    assertEquals(0, r.violations(), r.problems().toString());
    assertEquals(0, r.digestMismatches(), r.problems().toString());
    assertEquals(0, r.watchAnomalies(), r.problems().toString());
    assertTrue(r.passed(), r.finalLine() + " " + r.problems());
  }
}
