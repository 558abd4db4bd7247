package dev.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.http.WebhookBodies.Mutation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies a {@link Mutation} to a JSON tree; where it applies is an index into the tree's nodes.
 */
final class JsonMutations {
  private JsonMutations() {}

  /** A place in the tree: a field of an object or an element of an array. */
  private record Place(JsonNode parent, String field, int index) {}

  /** {@code root} with {@code m} applied (in place where possible; the root itself may change). */
  static JsonNode apply(JsonNode root, Mutation mutation) {
    // A copy: generated values may be shared between tries, and a later mutation may change them.
    Mutation m =
        new Mutation(
            mutation.kind(),
            mutation.scope(),
            mutation.where(),
            mutation.field(),
            mutation.value() == null ? null : mutation.value().deepCopy());
    JsonNode scope = root.at(m.scope());
    if (scope.isMissingNode()) {
      return root;
    }
    switch (m.kind()) {
      case REPLACE -> {
        List<Place> places = places(scope);
        if (places.isEmpty()) {
          return scope == root ? m.value() : root;
        }
        set(places.get(m.where() % places.size()), m.value());
      }
      case REMOVE -> {
        List<Place> places = places(scope);
        if (!places.isEmpty()) {
          remove(places.get(m.where() % places.size()));
        }
      }
      case INSERT -> {
        List<JsonNode> containers = containers(scope);
        if (!containers.isEmpty()) {
          JsonNode into = containers.get(m.where() % containers.size());
          if (into instanceof ArrayNode array) {
            array.insert(m.where() % (array.size() + 1), m.value());
          } else {
            ((ObjectNode) into).set(m.field(), m.value());
          }
        }
      }
      case REPLACE_FIELD -> {
        if (scope instanceof ObjectNode object) {
          object.set(m.field(), m.value());
        }
      }
    }
    return root;
  }

  private static List<Place> places(JsonNode root) {
    List<Place> places = new ArrayList<>();
    collect(root, places, new ArrayList<>());
    return places;
  }

  private static List<JsonNode> containers(JsonNode root) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, new ArrayList<>(), containers);
    return containers;
  }

  private static void collect(JsonNode node, List<Place> places, List<JsonNode> containers) {
    if (node instanceof ObjectNode object) {
      containers.add(object);
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        places.add(new Place(object, name, -1));
        collect(object.get(name), places, containers);
      }
    } else if (node instanceof ArrayNode array) {
      containers.add(array);
      for (int i = 0; i < array.size(); i++) {
        places.add(new Place(array, null, i));
        collect(array.get(i), places, containers);
      }
    }
  }

  private static void set(Place place, JsonNode value) {
    if (place.parent() instanceof ObjectNode object) {
      object.set(place.field(), value);
    } else {
      ((ArrayNode) place.parent()).set(place.index(), value);
    }
  }

  private static void remove(Place place) {
    if (place.parent() instanceof ObjectNode object) {
      object.remove(place.field());
    } else {
      ((ArrayNode) place.parent()).remove(place.index());
    }
  }
}
