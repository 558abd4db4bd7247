package dev.parley.k8s;

import static dev.parley.k8s.Manifests.list;
import static dev.parley.k8s.Manifests.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.parley.Main;
import dev.parley.k8s.Manifests.Doc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests (k8s/) and the Dockerfile agree with Parley's configuration, checked
 * statically without a cluster: they parse, selectors match pod labels, ports and probe paths are
 * the configured ones, every variable they set is one Parley reads, and the grace period outlasts
 * the shutdown. Surefire runs in the project root, so paths are relative to it.
 */
class ManifestTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path DEV = K8S.resolve("overlays/dev");

  /** Variables Parley reads outside application.conf, and the file that reads each. */
  private static final Map<String, Path> READ_ELSEWHERE =
      Map.of(
          "JAVA_OPTS", Path.of("Dockerfile"),
          "PARLEY_LOG_LEVEL", Path.of("src/main/resources/logback.xml"),
          "PARLEY_CONFIG", Path.of("src/main/java/dev/parley/ConfigLayers.java"));

  /** Variables of application.conf deliberately not set on Kubernetes, with the reason. */
  private static final Map<String, String> NOT_SET_ON_KUBERNETES =
      Map.of(
          "PARLEY_HTTP_PORT", "the default is the container port",
          "PARLEY_REMOTING_PORT", "the default is the container port",
          "PARLEY_MANAGEMENT_PORT", "the default is the container port",
          "PARLEY_DATA_DIR", "H2 only; Kubernetes runs on PostgreSQL",
          "PARLEY_SEED_NODES", "Kubernetes API discovery instead");

  private static Manifests k8s;
  private static DeploymentConfig conf;

  @BeforeAll
  static void read() {
    k8s = Manifests.read(K8S);
    conf = new DeploymentConfig();
  }

  @Test
  void everyDocumentParsesAndSaysWhatItIs() {
    assertTrue(k8s.all().size() >= 12, "documents found: " + k8s.all().size());
    for (Doc doc : k8s.all()) {
      assertFalse(doc.node().path("apiVersion").asText().isEmpty(), "apiVersion in " + doc.file());
      assertFalse(doc.kind().isEmpty(), "kind in " + doc.file());
    }
  }

  @Test
  void kustomizationsNameExistingFilesAndEveryManifestBesideThem() {
    List<Doc> kustomizations = k8s.ofKind("Kustomization");
    assertEquals(
        Set.of(BASE, DEV),
        kustomizations.stream().map(k -> k.file().getParent()).collect(Collectors.toSet()));
    for (Doc k : kustomizations) {
      Path dir = k.file().getParent();
      Set<Path> used = Manifests.listedBy(k);
      for (Path p : used) {
        assertTrue(
            Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")),
            p + " listed in " + k.file());
      }
      // kustomize refuses generator files outside its root: hence the copy of application.conf
      for (Path p : Manifests.generatorFiles(k)) {
        assertTrue(p.startsWith(dir) && Files.isRegularFile(p), p + " inside " + dir);
      }
      for (Doc doc : k8s.all()) {
        if (doc.file().getParent().equals(dir) && !doc.kind().equals("Kustomization")) {
          assertTrue(used.contains(doc.file()), doc.file() + " is in no kustomization");
        }
      }
    }
  }

  @Test
  void selectorsMatchThePodLabels() {
    List<Map<String, String>> templates = new ArrayList<>();
    for (Doc w : k8s.all()) {
      JsonNode selector = w.node().path("spec").path("selector").path("matchLabels");
      if (w.kind().equals("Deployment") || w.kind().equals("StatefulSet")) {
        if (!selector.isMissingNode()) { // a patch has no selector
          Map<String, String> labels = labels(w.node());
          assertFalse(strings(selector).isEmpty(), "selector of " + w.name());
          assertTrue(labels.entrySet().containsAll(strings(selector).entrySet()), w.name());
          templates.add(labels);
        }
      }
    }
    for (Doc doc : k8s.all()) {
      JsonNode selector =
          switch (doc.kind()) {
            case "Service" -> doc.node().path("spec").path("selector");
            case "PodDisruptionBudget" ->
                doc.node().path("spec").path("selector").path("matchLabels");
            default -> null;
          };
      if (selector != null) {
        Set<Map.Entry<String, String>> wanted = strings(selector).entrySet();
        assertFalse(wanted.isEmpty(), doc.kind() + " " + doc.name() + " selects every pod");
        assertTrue(
            templates.stream().anyMatch(l -> l.entrySet().containsAll(wanted)),
            doc.kind() + " " + doc.name() + " selects no pod template: " + wanted);
      }
    }
    Set<Map.Entry<String, String>> parley = labels(k8s.deployment()).entrySet();
    JsonNode service = k8s.in(BASE.resolve("service.yaml"), "Service", "parley").node();
    assertTrue(parley.containsAll(strings(service.path("spec").path("selector")).entrySet()));
    JsonNode pdb = k8s.in(BASE.resolve("pdb.yaml"), "PodDisruptionBudget", "parley").node();
    JsonNode pdbSelector = pdb.path("spec").path("selector").path("matchLabels");
    assertTrue(parley.containsAll(strings(pdbSelector).entrySet()));
    assertEquals(1, pdb.path("spec").path("maxUnavailable").asInt());
    for (JsonNode spread : list(k8s.podSpec().path("topologySpreadConstraints"))) {
      JsonNode spreadSelector = spread.path("labelSelector").path("matchLabels");
      assertTrue(parley.containsAll(strings(spreadSelector).entrySet()));
    }
  }

  @Test
  void podsCarryWhatPekkoKubernetesDiscoveryLooksFor() {
    String service =
        conf.setting("pekko.management.cluster.bootstrap.contact-point-discovery.service-name", "");
    // Pekko's placeholder "<service-name>" means: the actor system's name.
    String name =
        service.isEmpty() || service.equals("<service-name>")
            ? conf.config.getString("parley.system-name")
            : service;
    String selector = conf.setting("pekko.discovery.kubernetes-api.pod-label-selector", "app=%s");
    String[] label = String.format(selector, name).split("=", 2);
    assertEquals(label[1], labels(k8s.deployment()).get(label[0]), "discovery label " + label[0]);
    String portName = conf.setting("pekko.discovery.kubernetes-api.pod-port-name", "management");
    assertEquals(conf.managementPort(), k8s.ports().get(portName), "port named " + portName);

    String account = k8s.podSpec().path("serviceAccountName").asText();
    Path rbac = BASE.resolve("rbac.yaml");
    k8s.in(rbac, "ServiceAccount", account);
    JsonNode rule = k8s.in(rbac, "Role", "parley-pod-reader").node().path("rules").get(0);
    assertEquals("[\"pods\"]", rule.path("resources").toString());
    assertEquals("[\"get\",\"watch\",\"list\"]", rule.path("verbs").toString());
    JsonNode binding = k8s.in(rbac, "RoleBinding", "parley-pod-reader").node();
    assertEquals(account, binding.path("subjects").get(0).path("name").asText());
    assertEquals("parley-pod-reader", binding.path("roleRef").path("name").asText());
    String contactPoints = "pekko.management.cluster.bootstrap.contact-point-discovery";
    if (DeploymentConfig.parleySets(contactPoints + ".required-contact-point-nr")) {
      assertEquals(
          k8s.deployment().path("spec").path("replicas").asInt(),
          conf.config.getInt(contactPoints + ".required-contact-point-nr"),
          "required-contact-point-nr matches the replicas");
    }
  }

  @Test
  void containerPortsAreTheConfiguredDefaults() {
    assertEquals(
        Map.of(
            "http", conf.httpPort(),
            "management", conf.managementPort(),
            "remoting", conf.remotingPort()),
        k8s.ports());
    if (conf.config.hasPath("pekko.management.http.port")) {
      assertEquals(conf.managementPort(), conf.config.getInt("pekko.management.http.port"));
    }
    JsonNode service = k8s.in(BASE.resolve("service.yaml"), "Service", "parley").node();
    JsonNode port = service.path("spec").path("ports").get(0);
    assertEquals(80, port.path("port").asInt());
    assertEquals(conf.httpPort(), k8s.ports().get(port.path("targetPort").asText()));
  }

  @Test
  void probesAskTheManagementPortForAliveAndReady() {
    String alive = "/" + conf.setting("pekko.management.health-checks.liveness-path", "alive");
    String ready = "/" + conf.setting("pekko.management.health-checks.readiness-path", "ready");
    assertEquals(List.of("/alive", "/ready"), List.of(alive, ready));
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      JsonNode get = k8s.parley().path(probe).path("httpGet");
      if (probe.equals("startupProbe") && get.isMissingNode()) {
        continue;
      }
      assertEquals(probe.equals("readinessProbe") ? ready : alive, get.path("path").asText());
      JsonNode port = get.path("port");
      int number = port.isInt() ? port.asInt() : k8s.ports().getOrDefault(port.asText(), -1);
      assertEquals(conf.managementPort(), number, probe + " port");
    }
  }

  @Test
  void everyVariableSetIsOneParleyReads() throws IOException {
    Set<String> read = DeploymentConfig.applicationConfVariables();
    for (var reader : READ_ELSEWHERE.entrySet()) {
      String text = Files.readString(reader.getValue());
      assertTrue(text.contains(reader.getKey()), reader.getValue() + " reads " + reader.getKey());
      read.add(reader.getKey());
    }
    Set<String> unread = new TreeSet<>(k8s.environment().keySet());
    unread.removeAll(read);
    assertEquals(Set.of(), unread, "k8s/ sets variables that Parley does not read");
  }

  @Test
  void everyVariableApplicationConfReadsIsSetOnKubernetesOrLeftOutOnPurpose() throws IOException {
    Set<String> unset = DeploymentConfig.applicationConfVariables();
    unset.removeAll(k8s.environment().keySet());
    unset.removeAll(NOT_SET_ON_KUBERNETES.keySet());
    assertEquals(
        Set.of(),
        unset,
        "application.conf reads these but k8s/ sets none of them: wire each into"
            + " k8s/base/deployment.yaml (secrets by secretKeyRef) or the parley-env ConfigMap,"
            + " or add it to NOT_SET_ON_KUBERNETES with the reason");
  }

  @Test
  void devOverlayEnvironmentPassesTheStartUpChecks() {
    Map<String, String> env = new HashMap<>();
    // An optional reference to a key that is absent sets no variable at all on Kubernetes.
    k8s.environment()
        .forEach(
            (name, value) -> {
              if (value != null) {
                env.put(name, value);
              }
            });
    Config loaded =
        ConfigFactory.parseFile(DeploymentConfig.APPLICATION_CONF.toFile())
            .withFallback(ConfigFactory.parseMap(env))
            .withFallback(ConfigFactory.defaultReference())
            .resolve(ConfigResolveOptions.noSystem());
    Config checked = Main.checked(loaded);
    assertEquals("postgres", checked.getString("parley.db.kind"));
    assertEquals("kubernetes-api", checked.getString("parley.cluster.discovery"));
    assertEquals("10.0.0.1", checked.getString("pekko.remote.artery.canonical.hostname"));
  }

  @Test
  void mountedApplicationConfIsTheTopLevelOne() throws IOException {
    assertEquals(
        -1,
        Files.mismatch(DeploymentConfig.APPLICATION_CONF, BASE.resolve("application.conf")),
        "k8s/base/application.conf differs: cp application.conf k8s/base/application.conf");
    JsonNode mount =
        list(k8s.parley().path("volumeMounts")).stream()
            .filter(m -> m.path("name").asText().equals("config"))
            .findFirst()
            .orElseThrow();
    assertEquals("/app/application.conf", mount.path("mountPath").asText());
    assertEquals("application.conf", mount.path("subPath").asText());
  }

  @Test
  void theOperatorsFileIsMountedWherePARLEY_CONFIGPointsAndParses() {
    String path = k8s.environment().get("PARLEY_CONFIG");
    JsonNode mount =
        list(k8s.parley().path("volumeMounts")).stream()
            .filter(m -> m.path("mountPath").asText().equals(path))
            .findFirst()
            .orElseThrow(() -> new AssertionError("nothing is mounted at " + path));
    assertEquals("parley.conf", mount.path("subPath").asText());
    // The shipped file is a commented template: it parses, and sets nothing.
    assertTrue(ConfigFactory.parseFile(BASE.resolve("parley.conf").toFile()).isEmpty());
  }

  @Test
  void gracePeriodOutlastsPreStopPauseAndCoordinatedShutdown() {
    assertTrue(conf.config.getBoolean("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook"));
    int grace = k8s.podSpec().path("terminationGracePeriodSeconds").asInt();
    JsonNode command = k8s.parley().path("lifecycle").path("preStop").path("exec").path("command");
    assertEquals("sleep", command.path(0).asText());
    int pause = Integer.parseInt(command.path(1).asText());
    long shutdown = conf.coordinatedShutdownBound().toSeconds();
    assertTrue(pause >= 3, "preStop pause " + pause + " s leaves load balancers too little time");
    assertTrue(
        grace > pause + shutdown,
        "terminationGracePeriodSeconds "
            + grace
            + " <= preStop "
            + pause
            + " + shutdown "
            + shutdown);
  }

  @Test
  void jvmIsSizedFromTheContainerAndWritesOnlyTmp() {
    JsonNode c = k8s.parley();
    assertFalse(c.path("resources").path("limits").path("memory").asText().isEmpty());
    assertFalse(c.path("resources").path("requests").path("cpu").asText().isEmpty());
    assertTrue(k8s.environment().get("JAVA_OPTS").contains("-XX:MaxRAMPercentage="));
    assertTrue(k8s.podSpec().path("securityContext").path("runAsNonRoot").asBoolean());
    assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
    assertTrue(
        list(c.path("volumeMounts")).stream()
            .anyMatch(m -> m.path("mountPath").asText().equals("/tmp")));
  }

  @Test
  void secretsAreReferencedByTheBaseAndProvidedByTheDevOverlay() {
    for (Doc secret : k8s.ofKind("Secret")) {
      assertTrue(secret.file().startsWith(DEV), "the base ships no Secret: " + secret.file());
    }
    for (Doc w : k8s.all()) {
      for (JsonNode ref : w.node().path("spec").path("template").findValues("secretKeyRef")) {
        if (!ref.path("optional").asBoolean()) {
          Map<String, String> secret = k8s.secret(ref.path("name").asText());
          assertTrue(secret.containsKey(ref.path("key").asText()), "dev overlay lacks " + ref);
        }
      }
    }
  }

  @Test
  void dockerfileRunsTheMountedConfigurationAndExposesTheConfiguredPorts() throws IOException {
    Dockerfile docker = Dockerfile.read();
    assertTrue(docker.count("FROM") >= 2, "multi-stage");
    String user = docker.last("USER");
    assertFalse(user.isEmpty() || Set.of("USER root", "USER 0").contains(user), user);
    assertTrue(docker.lines().contains("COPY application.conf /app/application.conf"));
    assertEquals(0, docker.count("ENTRYPOINT"), "CMD alone runs the JVM");
    String run = docker.last("CMD");
    assertTrue(run.contains("exec java $JAVA_OPTS"), run);
    assertTrue(run.contains("-Dconfig.file=/app/application.conf"), run);
    assertTrue(run.contains(Main.class.getName()), run);
    assertEquals(Set.copyOf(k8s.ports().values()), docker.exposedPorts());
  }

  private static Map<String, String> labels(JsonNode workload) {
    return strings(workload.path("spec").path("template").path("metadata").path("labels"));
  }
}
