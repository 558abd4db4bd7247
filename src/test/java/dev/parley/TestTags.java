package dev.parley;

/**
 * The JUnit tags of the slow suites: {@code scripts/test --fast} leaves out every class carrying
 * one, {@code scripts/test} (and CI) runs them all. Tags are inherited, so a suite's PostgreSQL
 * subclass also carries its parent's.
 */
public final class TestTags {
  /** Starts Parley as separate JVM processes ({@code ParleyProcess}, {@code TestCluster}). */
  public static final String MULTI_PROCESS = "multi-process";

  /** Runs against a real PostgreSQL ({@code TestPostgres}). */
  public static final String POSTGRES = "postgres";

  /**
   * In one JVM, but over about ten seconds: a whole node stopped and started again, or thousands of
   * messages through one node, or a model server outage waited out with the default pauses.
   */
  public static final String SLOW = "slow";

  private TestTags() {}
}
