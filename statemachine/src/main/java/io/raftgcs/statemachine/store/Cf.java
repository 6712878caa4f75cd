package io.raftgcs.statemachine.store;

/**
 * The column families of a replica's RocksDB. {@code replicated} families hold the tables every replica
 * must agree on and feed the state digest; the others are bookkeeping (applied index, event history).
 */
public enum Cf {
  META("meta", false),
  KV("kv", true),
  SESSIONS("sessions", true),
  CLUSTER("cluster", true),
  NODES("nodes", true),
  ALLOCATIONS("allocations", true),
  ACTORS("actors", true),
  ACTOR_NAMES("actor_names", true),
  WORKERS("workers", true),
  JOBS("jobs", true),
  PLACEMENT_GROUPS("placement_groups", true),
  PG_NAMES("pg_names", true),
  EVENTS("events", false),
  /** Resources of placement-group bundles taken by the actors placed in them (see BundleUsage). */
  BUNDLE_USAGE("bundle_usage", true),
  /** Runtime-env URI pins: uri → expiry in leader time (see RuntimeEnvTable). */
  RUNTIME_ENV_PINS("runtime_env_pins", true);

  private final String name;
  private final boolean replicated;

  Cf(String name, boolean replicated) {
    this.name = name;
    this.replicated = replicated;
  }

  public String familyName() {
    return name;
  }

  public boolean inDigest() {
    return replicated;
  }
}
