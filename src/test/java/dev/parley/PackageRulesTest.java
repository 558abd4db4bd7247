package dev.parley;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of the code, as docs/development.md describes them, checked on the compiled classes:
 * the HTTP edge over the channels, the channels over the conversation, the conversation over the
 * model, tools and metrics, and those over the database, cluster and small utilities; never the
 * other way. {@code dev.parley} itself ({@code Main}, which wires everything, and the {@code
 * CborSerializable} marker) stands outside the layers.
 */
class PackageRulesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley");
  }

  @Test
  void layersDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("http")
        .definedBy("dev.parley.http..")
        .layer("channel")
        .definedBy("dev.parley.channel..")
        .layer("conversation")
        .definedBy("dev.parley.conversation..")
        .layer("services")
        .definedBy("dev.parley.llm..", "dev.parley.tool..", "dev.parley.metrics..")
        .layer("base")
        .definedBy(
            "dev.parley.db..", "dev.parley.cluster..", "dev.parley.async..", "dev.parley.text..")
        .whereLayer("http")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("channel")
        .mayOnlyBeAccessedByLayers("http")
        .whereLayer("conversation")
        .mayOnlyBeAccessedByLayers("http", "channel")
        .whereLayer("services")
        .mayOnlyBeAccessedByLayers("http", "channel", "conversation")
        .check(classes);
  }

  @Test
  void theBaseKnowsNothingAboveIt() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.parley.db..", "dev.parley.cluster..", "dev.parley.async..", "dev.parley.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.parley.http..",
            "dev.parley.channel..",
            "dev.parley.conversation..",
            "dev.parley.llm..",
            "dev.parley.tool..",
            "dev.parley.metrics..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.parley.(*)..").should().beFreeOfCycles().check(classes);
  }
}
