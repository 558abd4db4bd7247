package dev.parley.tool;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Builds plug-in jars the way an operator would: Java sources compiled against Parley's classes
 * (the test's own classpath) with the JDK's compiler, packed with java.util.jar together with a
 * {@code META-INF/services/dev.parley.tool.Tool} file.
 */
public final class PluginJars {
  /** The example plug-in of examples/plugin-echo (surefire runs in the project root). */
  public static final Path ECHO_EXAMPLE = Path.of("examples", "plugin-echo");

  private PluginJars() {}

  /** examples/plugin-echo built into {@code dir}/echo.jar. */
  public static Path echo(Path dir) throws IOException {
    Path sources = ECHO_EXAMPLE.resolve("src/main/java");
    Path services = ECHO_EXAMPLE.resolve("src/main/resources").resolve(PluginTools.SERVICE_FILE);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(file -> file.toString().endsWith(".java")).toList();
    }
    Path jar = dir.resolve("echo.jar");
    return jar(jar, compile(files, work(jar, "classes")), Files.readString(services));
  }

  /**
   * A jar at {@code dir}/{@code name} (its sources and classes beside it) holding the classes
   * compiled from {@code sources} (fully qualified class name to source text) and a service file of
   * {@code serviceFile}'s lines.
   */
  public static Path build(Path dir, String name, Map<String, String> sources, String serviceFile)
      throws IOException {
    Path jar = dir.resolve(name);
    Path src = work(jar, "src");
    List<Path> files = new ArrayList<>();
    for (var source : sources.entrySet()) {
      Path file = src.resolve(source.getKey().replace('.', File.separatorChar) + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      files.add(file);
    }
    return jar(jar, compile(files, work(jar, "classes")), serviceFile);
  }

  /**
   * The source of a tool class {@code className} named {@code toolName}, whose public no-arg
   * constructor runs {@code constructorBody}; a call answers "{@code toolName}: <arguments>".
   */
  public static String toolSource(String className, String toolName, String constructorBody) {
    int dot = className.lastIndexOf('.');
    return """
        package %s;

        public final class %s implements dev.parley.tool.Tool {
          public %s() { %s }
          public String name() { return "%s"; }
          public String description() { return "a plug-in for tests"; }
          public String parametersSchema() { return "{\\"type\\": \\"object\\"}"; }
          public java.util.concurrent.CompletionStage<String> call(
              String arguments, dev.parley.tool.ToolContext context) {
            return java.util.concurrent.CompletableFuture.completedFuture("%s: " + arguments);
          }
        }
        """
        .formatted(
            className.substring(0, dot),
            className.substring(dot + 1),
            className.substring(dot + 1),
            constructorBody,
            toolName,
            toolName);
  }

  /** A directory beside the jar for its sources or classes; the classpath only takes *.jar. */
  private static Path work(Path jar, String what) throws IOException {
    return Files.createDirectories(jar.resolveSibling(jar.getFileName() + "." + what));
  }

  private static Path compile(List<Path> files, Path classes) throws IOException {
    if (files.isEmpty()) {
      return classes;
    }
    var compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("the tests need a JDK (javax.tools finds no compiler)");
    }
    var diagnostics = new DiagnosticCollector<JavaFileObject>();
    try (var fileManager = compiler.getStandardFileManager(diagnostics, null, null)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-classpath",
              System.getProperty("java.class.path"),
              "-d",
              classes.toString());
      boolean compiled =
          compiler
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  options,
                  null,
                  fileManager.getJavaFileObjectsFromPaths(files))
              .call();
      if (!compiled) {
        throw new IllegalStateException(
            "plug-in sources do not compile: " + diagnostics.getDiagnostics());
      }
    }
    return classes;
  }

  private static Path jar(Path jar, Path classes, String serviceFile) throws IOException {
    Files.createDirectories(jar.getParent());
    try (var out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        put(
            out,
            classes.relativize(file).toString().replace(File.separatorChar, '/'),
            Files.readAllBytes(file));
      }
      put(out, PluginTools.SERVICE_FILE, serviceFile.getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }
}
