package dev.parley.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.parley.Main;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Start-up refuses every configuration that cannot be right with one clear sentence, and turns
 * Parley's own settings into the Pekko settings they imply.
 */
@ExtendWith(LogCapturingExtension.class)
class NodeConfigTest {
  private static final String DB_URL = "pekko-persistence-jdbc.shared-databases.slick.db.url";

  private static Config checked(Map<String, ?> overrides) {
    return Main.checked(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()));
  }

  private static String refusal(Map<String, ?> overrides) {
    return assertThrows(IllegalArgumentException.class, () -> checked(overrides)).getMessage();
  }

  @Test
  void acceptsTheDefaults() {
    Config config = checked(Map.of());
    assertEquals("h2", config.getString("parley.db.kind"));
    assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void derivedH2UrlWritesWithoutDelay() {
    String url = checked(Map.of("parley.db.data-dir", "/tmp/parley-x")).getString(DB_URL);
    assertTrue(url.startsWith("jdbc:h2:file:/tmp/parley-x/parley"), url);
    assertTrue(url.contains(";WRITE_DELAY=0"), url);
  }

  @Test
  void derivedH2UrlKeepsEventsInTheirRows() {
    String url = checked(Map.of()).getString(DB_URL);
    assertTrue(url.contains(";MAX_LENGTH_INPLACE_LOB=16384"), url);
    String smaller = checked(Map.of("parley.db.h2.max-inplace-lob", "1KiB")).getString(DB_URL);
    assertTrue(smaller.contains(";MAX_LENGTH_INPLACE_LOB=1024"), smaller);
  }

  @Test
  void remotingAddressFollowsParleyClusterSettings() {
    Config config =
        checked(Map.of("parley.cluster.remoting-port", 0, "parley.cluster.hostname", "127.0.0.2"));
    assertEquals(0, config.getInt("pekko.remote.artery.canonical.port"));
    assertEquals("127.0.0.2", config.getString("pekko.remote.artery.canonical.hostname"));
  }

  @Test
  void seedNodesBecomePekkoAddresses() {
    Config config =
        checked(
            Map.of(
                "parley.db.kind", "postgres",
                "parley.db.url", "jdbc:postgresql://db:5432/parley",
                "parley.cluster.seed-nodes", "10.0.0.1:25520, 10.0.0.2:25520"));
    assertEquals(
        List.of("pekko://parley@10.0.0.1:25520", "pekko://parley@10.0.0.2:25520"),
        config.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void refusesSeveralSeedNodesOnH2() {
    String message =
        refusal(Map.of("parley.cluster.seed-nodes", "127.0.0.1:25520,127.0.0.1:25521"));
    assertTrue(message.contains("H2"), message);
  }

  @Test
  void onH2OnlyTheNodeItselfMayBeItsSeed() {
    // Two nodes each listing the same single seed would form one cluster over two journals.
    String message = refusal(Map.of("parley.cluster.seed-nodes", "10.0.0.9:25520"));
    assertTrue(message.contains("H2"), message);
    Config itself =
        checked(
            Map.of(
                "parley.cluster.hostname", "127.0.0.1",
                "parley.cluster.remoting-port", 25530,
                "parley.cluster.seed-nodes", "127.0.0.1:25530"));
    assertEquals(
        List.of("pekko://parley@127.0.0.1:25530"),
        itself.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void refusesKubernetesDiscoveryOnH2() {
    String message = refusal(Map.of("parley.cluster.discovery", "kubernetes-api"));
    assertTrue(message.contains("H2"), message);
  }

  @Test
  void refusesPostgresWithoutUrl() {
    String message =
        refusal(
            Map.of("parley.db.kind", "postgres", "parley.cluster.seed-nodes", "10.0.0.1:25520"));
    assertTrue(message.contains("PARLEY_DB_URL"), message);
  }

  @Test
  void refusesPostgresWithoutSeedNodesOrDiscovery() {
    String message =
        refusal(
            Map.of("parley.db.kind", "postgres", "parley.db.url", "jdbc:postgresql://db/parley"));
    assertTrue(message.contains("PARLEY_SEED_NODES"), message);
    assertTrue(message.contains("separate clusters"), message);
  }

  @Test
  void refusesAnUnknownDatabase() {
    String message = refusal(Map.of("parley.db.kind", "mysql"));
    assertTrue(message.contains("PARLEY_DB") && message.contains("mysql"), message);
  }

  @Test
  void refusesMalformedSeedNodes() {
    String message = refusal(Map.of("parley.cluster.seed-nodes", "not a host"));
    assertTrue(message.contains("PARLEY_SEED_NODES"), message);
  }

  @Test
  void refusesATokenlessListenerOnAllInterfaces() {
    String message = refusal(Map.of("parley.http.interface", "0.0.0.0"));
    assertTrue(message.contains("PARLEY_API_TOKEN"), message);
  }

  @Test
  void acceptsAListenerOnAllInterfacesWithAToken() {
    Config config =
        checked(Map.of("parley.http.interface", "0.0.0.0", "parley.http.api-token", "s3cret"));
    assertEquals("0.0.0.0", config.getString("parley.http.interface"));
  }

  @Test
  void refusesAnUnknownModelProvider() {
    String message = refusal(Map.of("parley.llm.provider", "magic"));
    assertTrue(message.contains("LLM_PROVIDER") && message.contains("magic"), message);
  }

  private static Map<String, Object> kubernetes(Map<String, ?> more) {
    Map<String, Object> all = new java.util.HashMap<>();
    all.put("parley.db.kind", "postgres");
    all.put("parley.db.url", "jdbc:postgresql://db:5432/parley");
    all.put("parley.cluster.discovery", "kubernetes-api");
    all.put("parley.cluster.hostname", "10.1.2.3");
    all.putAll(more);
    return all;
  }

  @Test
  void managementListensOnTheClusterHostnameAndManagementPort() {
    Config config =
        checked(
            Map.of("parley.cluster.hostname", "127.0.0.3", "parley.cluster.management-port", 0));
    assertEquals("127.0.0.3", config.getString("pekko.management.http.hostname"));
    assertEquals(0, config.getInt("pekko.management.http.port"));
    assertEquals(8558, checked(Map.of()).getInt("pekko.management.http.port"));
  }

  @Test
  void kubernetesDiscoveryConfiguresClusterBootstrap() {
    Config config =
        checked(
            kubernetes(
                Map.of(
                    "parley.cluster.bootstrap.required-contact-points",
                    5,
                    "parley.cluster.bootstrap.pod-label-selector",
                    "app=parley,tier=chat")));
    String discovery = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("kubernetes-api", config.getString(discovery + "discovery-method"));
    assertEquals(5, config.getInt(discovery + "required-contact-point-nr"));
    assertEquals(
        "app=parley,tier=chat",
        config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
    assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void seedNodesLeaveBootstrapDiscoveryAlone() {
    Config config = checked(Map.of());
    assertEquals(
        "pekko.discovery",
        config.getString(
            "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
  }

  @Test
  void kubernetesDiscoveryRefusesWhatCannotFormACluster() {
    assertTrue(
        refusal(kubernetes(Map.of("parley.cluster.hostname", "127.0.0.1")))
            .contains("PARLEY_HOSTNAME"));
    assertTrue(
        refusal(kubernetes(Map.of("parley.cluster.seed-nodes", "10.0.0.1:25520")))
            .contains("two ways"));
    assertTrue(
        refusal(kubernetes(Map.of("parley.cluster.bootstrap.required-contact-points", 0)))
            .contains("required-contact-points"));
    assertTrue(
        refusal(kubernetes(Map.of("parley.cluster.bootstrap.pod-label-selector", " ")))
            .contains("pod-label-selector"));
    assertTrue(refusal(Map.of("parley.cluster.management-port", 70000)).contains("MANAGEMENT"));
  }
}
