package dev.parley.tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tools from plug-in jars: every {@link Tool} that {@link ServiceLoader} finds through a class
 * loader, i.e. every class named in a {@code META-INF/services/dev.parley.tool.Tool} file on its
 * classpath ({@code scripts/run} and the image put the plug-in directory's jars there). A provider
 * that cannot be loaded or instantiated, or a tool whose name or schema the registry would refuse,
 * is an {@link IllegalArgumentException} naming its class and jar, so start-up stops with one line.
 */
public final class PluginTools {
  private static final Logger log = LoggerFactory.getLogger(PluginTools.class);

  /** The file, inside a jar, that names its tool classes (one fully qualified name a line). */
  public static final String SERVICE_FILE = "META-INF/services/" + Tool.class.getName();

  // Only for checking a plug-in's name and schema alone, before it joins the other tools.
  private static final ToolSettings CHECK_ONLY = new ToolSettings(Duration.ofSeconds(1), 1);

  private PluginTools() {}

  /**
   * Instantiates the tools {@code loader} provides, in the order of its classpath, each checked as
   * the registry would check it, and logs each at INFO (name, class and jar; never anything the
   * tool holds).
   *
   * @throws IllegalArgumentException naming the class and jar of the first unusable plug-in
   */
  public static List<Tool> load(ClassLoader loader) {
    Iterator<Tool> providers = ServiceLoader.load(Tool.class, loader).iterator();
    List<Tool> tools = new ArrayList<>();
    while (true) {
      Tool tool;
      try {
        if (!providers.hasNext()) {
          break;
        }
        tool = providers.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        throw new IllegalArgumentException(unloadable(e, loader), e);
      }
      check(tool);
      log.info(
          "loaded plug-in tool {} ({} from {})", tool.name(), tool.getClass().getName(), jar(tool));
      tools.add(tool);
    }
    return tools;
  }

  /**
   * {@code tool} as the registry keeps it: the same tool, counted with source {@code plugin}
   * whatever its own {@link Tool#source()} says (a plug-in cannot pass for a built-in).
   */
  static Tool labelled(Tool tool) {
    return new Labelled(tool);
  }

  private record Labelled(Tool tool) implements Tool {
    @Override
    public String name() {
      return tool.name();
    }

    @Override
    public String description() {
      return tool.description();
    }

    @Override
    public String parametersSchema() {
      return tool.parametersSchema();
    }

    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      return tool.call(argumentsJson, context);
    }

    @Override
    public Optional<Duration> timeout() {
      return tool.timeout();
    }

    @Override
    public ToolSource source() {
      return ToolSource.PLUGIN;
    }
  }

  /** Where a plug-in tool comes from, for messages: its class and its jar. */
  static String origin(Tool tool) {
    return tool.getClass().getName() + " from " + jar(tool);
  }

  /** The tool's name and schema as the registry checks them, with the plug-in named. */
  private static void check(Tool tool) {
    try {
      new ToolRegistry(List.of(tool), CHECK_ONLY);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("plug-in tool " + origin(tool) + ": " + e.getMessage(), e);
    }
  }

  private static String jar(Tool tool) {
    CodeSource source = tool.getClass().getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null
        ? "an unknown location"
        : location(source.getLocation());
  }

  /**
   * The error's sentence with the jar whose service file names the failing class: ServiceLoader's
   * own message names the class but not where it was listed.
   */
  private static String unloadable(Throwable error, ClassLoader loader) {
    String message = String.valueOf(error.getMessage());
    String listedIn = null;
    int longest = -1;
    for (Map.Entry<String, String> entry : listings(loader).entrySet()) {
      String className = entry.getKey();
      if (className.length() > longest && message.contains(className)) {
        listedIn = entry.getValue();
        longest = className.length();
      }
    }
    StringBuilder line = new StringBuilder("plug-in tool could not be loaded: ").append(message);
    Throwable cause = error.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause != null) {
      line.append(" (").append(cause).append(')');
    }
    if (listedIn != null) {
      line.append("; listed in ").append(listedIn);
    }
    return line.toString();
  }

  /**
   * Each class named by a service file of {@code loader}, with the jar (or directory) of that file.
   */
  private static Map<String, String> listings(ClassLoader loader) {
    Map<String, String> classes = new LinkedHashMap<>();
    try {
      for (URL file : Collections.list(loader.getResources(SERVICE_FILE))) {
        try (var reader =
            new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
          reader
              .lines()
              .map(line -> line.replaceFirst("#.*", "").strip())
              .filter(name -> !name.isEmpty())
              .forEach(name -> classes.putIfAbsent(name, location(file)));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Only for a better message: without it the line still names the class.
    }
    return classes;
  }

  /** A jar's path for a URL inside it ({@code jar:file:/p/x.jar!/...}) or of it; else the URL. */
  private static String location(URL url) {
    String text = url.toString();
    if (text.startsWith("jar:")) {
      int bang = text.indexOf("!/");
      text = text.substring("jar:".length(), bang < 0 ? text.length() : bang);
    } else if (text.endsWith(SERVICE_FILE)) {
      text = text.substring(0, text.length() - SERVICE_FILE.length());
    }
    if (text.startsWith("file:")) {
      try {
        return Path.of(URI.create(text)).toString();
      } catch (IllegalArgumentException e) {
        return text;
      }
    }
    return text;
  }
}
