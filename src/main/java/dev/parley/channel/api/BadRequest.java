package dev.parley.channel.api;

/** Input the API cannot use: a machine code and a sentence for the client. Maps to 400. */
public final class BadRequest extends RuntimeException {
  private final String code;

  public BadRequest(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
