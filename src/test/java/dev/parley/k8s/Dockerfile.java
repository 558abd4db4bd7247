package dev.parley.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The top-level Dockerfile's instructions, continuation lines joined, comments left out. */
record Dockerfile(List<String> lines) {
  static Dockerfile read() throws IOException {
    String joined = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\\n", " ");
    return new Dockerfile(
        joined.lines().map(String::strip).filter(l -> !l.startsWith("#")).toList());
  }

  long count(String instruction) {
    return lines.stream().filter(l -> l.startsWith(instruction + " ")).count();
  }

  /** The last line of this instruction (the one that counts for USER and CMD), or "". */
  String last(String instruction) {
    return lines.stream()
        .filter(l -> l.startsWith(instruction + " "))
        .reduce((a, b) -> b)
        .orElse("");
  }

  Set<Integer> exposedPorts() {
    return lines.stream()
        .filter(l -> l.startsWith("EXPOSE "))
        .flatMap(l -> Stream.of(l.substring("EXPOSE ".length()).trim().split("\\s+")))
        .map(Integer::valueOf)
        .collect(Collectors.toSet());
  }
}
