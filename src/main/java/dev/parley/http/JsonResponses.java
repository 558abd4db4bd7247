package dev.parley.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every JSON answer of the API goes through here, errors included: {@code {"error": "<machine
 * code>", "message": "<human sentence>"}}. Never a stack trace, never a secret.
 */
final class JsonResponses {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonResponses() {}

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static HttpResponse error(StatusCode status, String code, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", code);
    body.put("message", message);
    return json(status, body);
  }

  static Route route(HttpResponse response) {
    return Directives.complete(response);
  }
}
