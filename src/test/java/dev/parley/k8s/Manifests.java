package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every YAML document under {@code k8s/}, read as plain Jackson trees, with the few look-ups the
 * manifest checks need. Reading fails on the first file that does not parse, naming it.
 */
final class Manifests {
  /** One YAML document and the file it came from. */
  record Doc(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    boolean is(String kind, String name) {
      return kind().equals(kind) && name().equals(name);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Doc> docs;

  private Manifests(List<Doc> docs) {
    this.docs = docs;
  }

  static Manifests read(Path root) {
    assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " is missing");
    List<Doc> docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Manifests::isYaml).sorted().toList()) {
        try (var parser = YAML.createParser(file.toFile())) {
          for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
            if (node != null && !node.isNull() && !node.isMissingNode()) {
              docs.add(new Doc(file, node));
            }
          }
        } catch (IOException e) {
          fail(file + " does not parse as YAML: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Manifests(docs);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  List<Doc> all() {
    return docs;
  }

  List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  /** The one document of this kind and name in {@code file}. */
  Doc in(Path file, String kind, String name) {
    List<Doc> found = docs.stream().filter(d -> d.file().equals(file) && d.is(kind, name)).toList();
    assertEquals(1, found.size(), kind + " " + name + " in " + file);
    return found.get(0);
  }

  /** All documents of this kind and name: the base's and the overlays' patches of it. */
  List<Doc> all(String kind, String name) {
    return docs.stream().filter(d -> d.is(kind, name)).toList();
  }

  /** The parley Deployment of the base. */
  JsonNode deployment() {
    return in(Path.of("k8s/base/deployment.yaml"), "Deployment", "parley").node();
  }

  JsonNode podSpec() {
    return deployment().path("spec").path("template").path("spec");
  }

  /** The Parley container of the base Deployment. */
  JsonNode parley() {
    return container(deployment(), "parley");
  }

  /** Container ports of the Parley container by name. */
  Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    list(parley().path("ports"))
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    return ports;
  }

  /**
   * The environment the Parley container gets in the dev overlay: every variable set by the
   * Deployment or its patches, directly or through envFrom. A secret's value is the dev Secret's
   * (null when it has none), a pod field's a stand-in address.
   */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Doc d : all("Deployment", "parley")) {
      JsonNode c = container(d.node(), "parley");
      for (JsonNode e : list(c.path("env"))) {
        env.put(e.path("name").asText(), value(e));
      }
      for (JsonNode from : list(c.path("envFrom"))) {
        env.putAll(configMap(from.path("configMapRef").path("name").asText()));
        env.putAll(secret(from.path("secretRef").path("name").asText()));
      }
    }
    return env;
  }

  private String value(JsonNode env) {
    if (env.has("value")) {
      return env.path("value").asText();
    }
    JsonNode from = env.path("valueFrom");
    if (from.has("fieldRef")) {
      return "10.0.0.1";
    }
    if (from.has("secretKeyRef")) {
      JsonNode ref = from.path("secretKeyRef");
      return secret(ref.path("name").asText()).get(ref.path("key").asText());
    }
    JsonNode ref = from.path("configMapKeyRef");
    return configMap(ref.path("name").asText()).get(ref.path("key").asText());
  }

  /** A ConfigMap's entries: ConfigMap documents and kustomize generators, overlays last. */
  Map<String, String> configMap(String name) {
    Map<String, String> data = new LinkedHashMap<>();
    for (Doc doc : docs) {
      if (doc.is("ConfigMap", name)) {
        data.putAll(strings(doc.node().path("data")));
      }
      for (JsonNode generator : list(doc.node().path("configMapGenerator"))) {
        if (doc.kind().equals("Kustomization") && generator.path("name").asText().equals(name)) {
          for (JsonNode literal : list(generator.path("literals"))) {
            String[] kv = literal.asText().split("=", 2);
            data.put(kv[0], kv[1]);
          }
        }
      }
    }
    return data;
  }

  /** A Secret's entries as the overlays provide them (stringData). */
  Map<String, String> secret(String name) {
    Map<String, String> data = new LinkedHashMap<>();
    ofKind("Secret").stream()
        .filter(d -> d.name().equals(name))
        .forEach(d -> data.putAll(strings(d.node().path("stringData"))));
    return data;
  }

  /** What a kustomization lists as resources and patches, as paths from the project root. */
  static Set<Path> listedBy(Doc kustomization) {
    Path dir = kustomization.file().getParent();
    Set<Path> listed = new LinkedHashSet<>();
    list(kustomization.node().path("resources"))
        .forEach(r -> listed.add(dir.resolve(r.asText()).normalize()));
    list(kustomization.node().path("patches"))
        .forEach(p -> listed.add(dir.resolve(p.path("path").asText()).normalize()));
    return listed;
  }

  /** The files a kustomization's ConfigMap generators read ("key=path" or "path"). */
  static List<Path> generatorFiles(Doc kustomization) {
    Path dir = kustomization.file().getParent();
    return list(kustomization.node().path("configMapGenerator")).stream()
        .flatMap(g -> list(g.path("files")).stream())
        .map(f -> dir.resolve(f.asText().substring(f.asText().indexOf('=') + 1)).normalize())
        .toList();
  }

  static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  /** A YAML mapping of strings (labels, selectors) as a Java map; empty when absent. */
  static Map<String, String> strings(JsonNode mapping) {
    Map<String, String> map = new LinkedHashMap<>();
    mapping.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  /** The container of this name in a workload's pod template, or a missing node. */
  static JsonNode container(JsonNode workload, String name) {
    return list(workload.path("spec").path("template").path("spec").path("containers")).stream()
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElse(MissingNode.getInstance());
  }
}
