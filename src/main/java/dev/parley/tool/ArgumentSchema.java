package dev.parley.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A tool's JSON Schema, compiled once when the registry is built, and the check of one call's
 * arguments against it (networknt's json-schema-validator). The model writes the arguments; what
 * the schema refuses goes back to it as field and reason, and the tool is not called.
 */
final class ArgumentSchema {
  // Draft 2020-12 unless a schema names another in "$schema". Nothing is fetched for a "$ref":
  // schemas come from configuration and tool servers, and checking arguments must never call out.
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

  // The model needs the first few reasons to correct its call, not every one of a hundred.
  static final int MAX_REASONS = 3;

  private final Schema schema;

  private ArgumentSchema(Schema schema) {
    this.schema = schema;
  }

  /**
   * Compiles {@code schema}, references included.
   *
   * @throws IllegalArgumentException when it is no schema this validator can use
   */
  static ArgumentSchema compile(JsonNode schema) {
    try {
      Schema compiled = REGISTRY.getSchema(schema);
      compiled.initializeValidators();
      return new ArgumentSchema(compiled);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "its parameters schema cannot be used (" + e.getMessage() + ")", e);
    }
  }

  /**
   * What is wrong with {@code arguments}, as {@code "<field>: <reason>"} parts joined by {@code ";
   * "}, at most {@value #MAX_REASONS} of them; empty when they fit the schema.
   */
  Optional<String> violations(JsonNode arguments) {
    List<Error> errors = schema.validate(arguments);
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    String reasons =
        errors.stream()
            .limit(MAX_REASONS)
            .map(ArgumentSchema::reason)
            .collect(Collectors.joining("; "));
    return Optional.of(
        errors.size() > MAX_REASONS
            ? reasons + "; and " + (errors.size() - MAX_REASONS) + " more"
            : reasons);
  }

  /**
   * {@code "age: string found, integer expected"}: the field as a JSON pointer without its leading
   * slash ({@code "items/0/id"}), then the validator's reason. About the arguments object as a
   * whole (a required or an unexpected property, which the reason names) only the reason.
   */
  private static String reason(Error error) {
    String at = error.getInstanceLocation().toString();
    String field = at.startsWith("/") ? at.substring(1) : at;
    return field.isEmpty() ? error.getMessage() : field + ": " + error.getMessage();
  }
}
