package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Configurations that would split data are refused by a real {@code scripts/run} before the actor
 * system starts: exit code 2 and one line on stderr that says why. Several seed nodes on H2 (each
 * node would keep its own journal) and PostgreSQL without seed nodes or discovery (each node would
 * form its own cluster over the one journal).
 */
@Tag(TestTags.MULTI_PROCESS)
class MisconfiguredStartTest {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void severalSeedNodesOnH2AreRefused() throws Exception {
    Path dataDir = Files.createTempDirectory("parley-refused-");
    Map<String, String> env = baseEnvironment();
    env.put("PARLEY_DATA_DIR", dataDir.toString());
    env.put("PARLEY_SEED_NODES", "127.0.0.1:25521,127.0.0.1:25522");
    assertRefused(env, "several nodes on H2");
    try (var left = Files.list(dataDir)) {
      assertEquals(0, left.count(), "a refused node wrote to its data directory");
    }
    Files.delete(dataDir);
  }

  @Test
  void postgresWithoutSeedNodesOrDiscoveryIsRefused() throws Exception {
    Map<String, String> env = baseEnvironment();
    env.put("PARLEY_DB", "postgres");
    // Never reached: the check comes first.
    env.put("PARLEY_DB_URL", "jdbc:postgresql://127.0.0.1:1/parley");
    assertRefused(env, "PostgreSQL needs PARLEY_SEED_NODES or PARLEY_DISCOVERY=kubernetes-api");
  }

  @Test
  void anOperatorsFileWithAnUnusableToolIsRefused() throws Exception {
    Path file = Files.createTempFile("parley-operator-", ".conf");
    Files.writeString(
        file, "parley.tool.http.lookup { description = \"d\", url = \"ftp://x/y\" }\n");
    Map<String, String> env = baseEnvironment();
    env.put("PARLEY_DATA_DIR", Files.createTempDirectory("parley-refused-").toString());
    env.put("PARLEY_CONFIG", file.toString());
    assertRefused(env, "parley.tool.http.lookup.url must be an absolute http(s) URL");
    Files.delete(file);
  }

  private static Map<String, String> baseEnvironment() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLASSPATH", ParleyProcess.testClasspathWithoutTestClasses());
    env.put("PARLEY_HTTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(FreePorts.pick()));
    env.put("JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    return env;
  }

  private static void assertRefused(Map<String, String> env, String reason) throws Exception {
    var exited = ParleyProcess.runUntilExit(Path.of("").toAbsolutePath(), env, EXIT_TIMEOUT);
    List<String> lines = exited.stderr().lines().filter(line -> !line.isBlank()).toList();
    assertEquals(2, exited.code(), "exit code; stderr: " + exited.stderr());
    assertEquals(1, lines.size(), "stderr lines: " + lines);
    assertTrue(lines.get(0).startsWith("parley: cannot start: "), lines.get(0));
    assertTrue(lines.get(0).contains(reason), lines.get(0));
    // Refused before the actor system: nothing of Pekko ever logged.
    assertFalse(exited.stdout().contains("pekko"), "stdout: " + exited.stdout());
  }
}
