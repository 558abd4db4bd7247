package dev.parley.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md points at a file that exists and, with a {@code
 * #anchor}, at a heading of that file, by GitHub's anchor rules (lowercase, spaces to {@code -},
 * punctuation dropped, {@code -1}, {@code -2} for repeated headings). External links are not
 * fetched. The Markdown is parsed by CommonMark, so links inside code are not links.
 */
class DocLinksTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Parser PARSER = Parser.builder().build();

  @Test
  void relativeLinksReachAFileAndHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : documents()) {
      for (String target : links(doc)) {
        String problem = problem(doc, target);
        if (problem != null) {
          broken.add(ROOT.relativize(doc) + ": (" + target + ") " + problem);
        }
      }
    }
    assertEquals(List.of(), broken, "broken links in the documentation");
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertEquals(
        List.of(
            "management-port-health-and-metrics",
            "h2s-file",
            "ready-and-alive",
            "ready",
            "ready-1"),
        anchors(
            PARSER.parse(
                "# Management port: health and metrics\n## H2's file\n### `/ready` and `/alive`\n"
                    + "```\n# not a heading\n```\n## Ready\n## Ready\n")));
  }

  @Test
  void aMissingFileOrHeadingIsBroken() throws IOException {
    Path readme = ROOT.resolve("README.md");
    assertEquals(null, problem(readme, "docs/operations.md#postgresql"));
    assertEquals("no such file", problem(readme, "docs/no-such-page.md"));
    assertEquals("no heading with that anchor", problem(readme, "docs/operations.md#no-such"));
  }

  @Test
  void readsTheReadmeAndEveryDoc() throws IOException {
    List<Path> docs = documents();
    assertTrue(docs.contains(ROOT.resolve("README.md")), docs::toString);
    assertTrue(docs.size() > 1, docs::toString);
  }

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The destinations of the document's links and images, in order, without external ones. */
  private static List<String> links(Path doc) throws IOException {
    List<String> targets = new ArrayList<>();
    parse(doc)
        .accept(
            new AbstractVisitor() {
              @Override
              public void visit(Link link) {
                targets.add(link.getDestination());
                visitChildren(link);
              }

              @Override
              public void visit(Image image) {
                targets.add(image.getDestination());
              }
            });
    return targets.stream().filter(t -> !t.matches("(?i)^[a-z][a-z0-9+.-]*:.*")).toList();
  }

  /** Why the link is broken, or null when it is not. */
  private static String problem(Path doc, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
    if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
      return "no such file";
    }
    if (hash < 0) {
      return null;
    }
    String anchor = target.substring(hash + 1);
    if (!resolved.toString().endsWith(".md")) {
      return "an anchor into a file that is not Markdown";
    }
    return anchors(parse(resolved)).contains(anchor) ? null : "no heading with that anchor";
  }

  private static Node parse(Path doc) throws IOException {
    return PARSER.parse(Files.readString(doc));
  }

  /** The anchors GitHub gives the headings, in order, a repeated one with -1, -2, ... */
  private static List<String> anchors(Node document) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Heading heading) {
            String slug = slug(text(heading));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
          }
        });
    return List.copyOf(anchors);
  }

  /** GitHub's slug: lowercase, anything but letters, digits, marks, '_', '-' and ' ' dropped. */
  static String slug(String heading) {
    return heading
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]", "")
        .replace(' ', '-');
  }

  private static String text(Node node) {
    StringBuilder text = new StringBuilder();
    node.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            text.append(t.getLiteral());
          }

          @Override
          public void visit(Code code) {
            text.append(code.getLiteral());
          }
        });
    return text.toString();
  }
}
