package dev.parley.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Parley's own settings ({@code parley.db}, {@code parley.cluster}) into the Pekko settings
 * they imply (the journal's database, seed nodes) and refuses a configuration that cannot be right,
 * with one sentence that says why. Runs before the actor system exists.
 */
public final class NodeConfig {
  private NodeConfig() {}

  /** The full configuration to start an actor system with; throws on a bad configuration. */
  public static Config resolve(Config config) {
    Config c = config.resolve();
    check(c);
    Map<String, Object> derived = new HashMap<>();
    derived.putAll(database(c));
    List<String> seeds = seedNodes(c);
    derived.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    // Set here, not only by reference.conf's substitution: a config that was resolved before
    // parley.cluster.* was overridden (ConfigFactory.load() plus overrides) would otherwise
    // keep the default port and hostname.
    derived.put("pekko.remote.artery.canonical.hostname", c.getString("parley.cluster.hostname"));
    derived.put("pekko.remote.artery.canonical.port", c.getInt("parley.cluster.remoting-port"));
    derived.putAll(management(c));
    return ConfigFactory.parseMap(derived).withFallback(c).resolve();
  }

  static void check(Config c) {
    String kind = c.getString("parley.db.kind");
    List<String> seeds = seedNodes(c);
    String discovery = c.getString("parley.cluster.discovery");
    if (!kind.equals("h2") && !kind.equals("postgres")) {
      throw new IllegalArgumentException("PARLEY_DB must be h2 or postgres, not \"" + kind + "\"");
    }
    if (!discovery.equals("seed-nodes") && !discovery.equals("kubernetes-api")) {
      throw new IllegalArgumentException(
          "PARLEY_DISCOVERY must be seed-nodes or kubernetes-api, not \"" + discovery + "\"");
    }
    String self =
        c.getString("parley.cluster.hostname") + ":" + c.getInt("parley.cluster.remoting-port");
    boolean onlySelf = seeds.isEmpty() || (seeds.size() == 1 && seeds.get(0).endsWith("@" + self));
    if (kind.equals("h2") && (!onlySelf || discovery.equals("kubernetes-api"))) {
      throw new IllegalArgumentException(
          "several nodes on H2 would each keep their own journal; use PARLEY_DB=postgres for a cluster");
    }
    if (kind.equals("postgres") && c.getString("parley.db.url").isBlank()) {
      throw new IllegalArgumentException("PARLEY_DB=postgres needs PARLEY_DB_URL");
    }
    if (kind.equals("postgres") && seeds.isEmpty() && discovery.equals("seed-nodes")) {
      throw new IllegalArgumentException(
          "PostgreSQL needs PARLEY_SEED_NODES or PARLEY_DISCOVERY=kubernetes-api, or pods would form separate clusters over one journal");
    }
    int managementPort = c.getInt("parley.cluster.management-port");
    if (managementPort < 0 || managementPort > 65535) {
      throw new IllegalArgumentException(
          "PARLEY_MANAGEMENT_PORT must be a port number, not " + managementPort);
    }
    if (discovery.equals("kubernetes-api")) {
      checkKubernetes(c, seeds);
    }
  }

  private static void checkKubernetes(Config c, List<String> seeds) {
    if (!seeds.isEmpty()) {
      throw new IllegalArgumentException(
          "PARLEY_SEED_NODES and PARLEY_DISCOVERY=kubernetes-api are two ways of forming the cluster; set one");
    }
    String hostname = c.getString("parley.cluster.hostname");
    if (hostname.equals("localhost") || hostname.startsWith("127.") || hostname.equals("::1")) {
      // Other pods reach this one at this address (remoting and the bootstrap's contact
      // point); a loopback address would make every pod unreachable to the others.
      throw new IllegalArgumentException(
          "PARLEY_DISCOVERY=kubernetes-api needs PARLEY_HOSTNAME set to the pod's IP, not "
              + hostname);
    }
    if (c.getInt("parley.cluster.bootstrap.required-contact-points") < 1) {
      throw new IllegalArgumentException(
          "parley.cluster.bootstrap.required-contact-points must be at least 1");
    }
    if (c.getString("parley.cluster.bootstrap.pod-label-selector").isBlank()) {
      throw new IllegalArgumentException(
          "PARLEY_DISCOVERY=kubernetes-api needs parley.cluster.bootstrap.pod-label-selector");
    }
  }

  /** Pekko Management's address, and Cluster Bootstrap's discovery when Kubernetes is used. */
  private static Map<String, Object> management(Config c) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.management.http.hostname", c.getString("parley.cluster.hostname"));
    m.put("pekko.management.http.port", c.getInt("parley.cluster.management-port"));
    if (c.getString("parley.cluster.discovery").equals("kubernetes-api")) {
      String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
      m.put(bootstrap + "discovery-method", "kubernetes-api");
      m.put(
          bootstrap + "required-contact-point-nr",
          c.getInt("parley.cluster.bootstrap.required-contact-points"));
      m.put(
          "pekko.discovery.kubernetes-api.pod-label-selector",
          c.getString("parley.cluster.bootstrap.pod-label-selector"));
    }
    return m;
  }

  /** Seed nodes as Pekko addresses; empty when the node forms a cluster by itself. */
  static List<String> seedNodes(Config c) {
    String raw = c.getString("parley.cluster.seed-nodes").trim();
    List<String> seeds = new ArrayList<>();
    if (raw.isEmpty()) {
      return seeds;
    }
    for (String hostPort : Arrays.stream(raw.split(",")).map(String::trim).toList()) {
      if (!hostPort.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
        throw new IllegalArgumentException(
            "PARLEY_SEED_NODES holds host:port pairs separated by commas, not \""
                + hostPort
                + "\"");
      }
      seeds.add("pekko://" + c.getString("parley.system-name") + "@" + hostPort);
    }
    return seeds;
  }

  private static Map<String, Object> database(Config c) {
    String base = "pekko-persistence-jdbc.shared-databases.slick.";
    Map<String, Object> db = new HashMap<>();
    int pool = c.getInt("parley.db.pool-size");
    if (c.getString("parley.db.kind").equals("h2")) {
      Path dir = Path.of(c.getString("parley.db.data-dir")).toAbsolutePath().normalize();
      db.put(base + "profile", "slick.jdbc.H2Profile$");
      db.put(base + "db.driver", "org.h2.Driver");
      // WRITE_DELAY=0: H2's default delay loses acknowledged rows on kill -9.
      // DB_CLOSE_ON_EXIT=FALSE: the journal, not a JVM hook, closes the database.
      // RETENTION_TIME: how long a written chunk is kept (see H2Housekeeping).
      // MAX_LENGTH_INPLACE_LOB: events up to this size stay in their row (see reference.conf).
      db.put(
          base + "db.url",
          "jdbc:h2:file:"
              + dir.resolve("parley")
              + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;RETENTION_TIME="
              + c.getDuration("parley.db.h2.retention").toMillis()
              + ";MAX_LENGTH_INPLACE_LOB="
              + c.getBytes("parley.db.h2.max-inplace-lob"));
      db.put(base + "db.user", "sa");
      db.put(base + "db.password", "");
      // H2 commits one transaction at a time: see parley.db.h2.write-parallelism.
      db.put("jdbc-journal.parallelism", c.getInt("parley.db.h2.write-parallelism"));
    } else {
      db.put(base + "profile", "slick.jdbc.PostgresProfile$");
      db.put(base + "db.driver", "org.postgresql.Driver");
      db.put(base + "db.url", c.getString("parley.db.url"));
      db.put(base + "db.user", c.getString("parley.db.user"));
      db.put(base + "db.password", c.getString("parley.db.password"));
      // pgjdbc's own timeouts, in seconds (H2 refuses properties it does not know).
      db.put(
          base + "db.properties.connectTimeout",
          c.getDuration("parley.db.postgres-connect-timeout").toSeconds());
      db.put(
          base + "db.properties.socketTimeout",
          c.getDuration("parley.db.postgres-socket-timeout").toSeconds());
    }
    db.put(base + "db.numThreads", pool);
    db.put(base + "db.maxConnections", pool);
    db.put(base + "db.minConnections", pool);
    return db;
  }
}
