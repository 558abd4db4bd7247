package dev.parley.llm;

import com.typesafe.config.Config;
import dev.parley.async.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code parley.llm} settings, read once at start-up and passed to the model client. The API
 * key is a secret: {@link #toString()} masks it, so logging the settings is safe.
 */
public record LlmSettings(
    String provider,
    String baseUrl,
    String apiKey,
    String model,
    Duration requestTimeout,
    int maxRetries,
    Duration retryBackoff,
    int maxConnections,
    int maxOpenRequests,
    long maxResponseBytes,
    Duration maxQueueWait,
    Duration outageWait,
    int breakerMaxFailures,
    Duration breakerResetTimeout,
    Duration breakerMaxResetTimeout,
    Sampling sampling,
    List<Fallback> fallbacks) {

  /** A further model, tried when the ones before it failed for good; the rest as for the first. */
  public record Fallback(String baseUrl, String apiKey, String model) {
    public Fallback {
      apiKey = apiKey == null ? "" : apiKey;
    }

    @Override
    public String toString() {
      return "Fallback[baseUrl="
          + baseUrl
          + ", apiKey="
          + (apiKey.isEmpty() ? "<none>" : "***")
          + ", model="
          + model
          + "]";
    }
  }

  public LlmSettings {
    // A missing key means "no Authorization header", never a null check at each use.
    apiKey = apiKey == null ? "" : apiKey;
    fallbacks = List.copyOf(fallbacks);
  }

  public static final String OFFLINE = "offline";
  public static final String OPENAI = "openai";

  /** Reads {@code parley.llm.*} from a config that includes the defaults of reference.conf. */
  public static LlmSettings from(Config config) {
    Config c = config.getConfig("parley.llm");
    return new LlmSettings(
        // Lower-cased so that LLM_PROVIDER=OpenAI is not a start-up failure.
        c.getString("provider").trim().toLowerCase(Locale.ROOT),
        c.getString("base-url").trim(),
        c.getString("api-key"),
        c.getString("model").trim(),
        c.getDuration("request-timeout"),
        c.getInt("max-retries"),
        c.getDuration("retry-backoff"),
        c.getInt("max-connections"),
        c.getInt("max-open-requests"),
        c.getBytes("max-response-bytes"),
        c.getDuration("max-queue-wait"),
        c.getDuration("outage-wait"),
        c.getInt("breaker.max-failures"),
        c.getDuration("breaker.reset-timeout"),
        c.getDuration("breaker.max-reset-timeout"),
        Sampling.from(c),
        c.getConfigList("fallbacks").stream()
            .map(
                f ->
                    new Fallback(
                        f.hasPath("base-url") ? f.getString("base-url").trim() : "",
                        f.hasPath("api-key") ? f.getString("api-key") : "",
                        f.hasPath("model") ? f.getString("model").trim() : ""))
            .toList());
  }

  /**
   * The model client's retries: max-retries after the first attempt, doubling from retry-backoff;
   * the cap (2^16 times the base) is far beyond any useful pause and only bounds the arithmetic.
   */
  public Backoff retryPolicy() {
    return Backoff.exponential(
        retryBackoff,
        retryBackoff.multipliedBy(1L << 16),
        (int) Math.min(Backoff.UNLIMITED, maxRetries + 1L));
  }

  /**
   * The models a call tries in order: these settings, then one per fallback with its base URL, key
   * and model and everything else shared. Every model but the last gets its quick retries only
   * (outage-wait 0): an outage of one moves the call on to the next at once, and only the last
   * waits an outage out.
   */
  public List<LlmSettings> chain() {
    List<LlmSettings> chain = new ArrayList<>();
    chain.add(this);
    for (Fallback f : fallbacks) {
      chain.add(with(f.baseUrl(), f.apiKey(), f.model(), outageWait, List.of()));
    }
    for (int i = 0; i < chain.size() - 1; i++) {
      LlmSettings s = chain.get(i);
      chain.set(i, s.with(s.baseUrl, s.apiKey, s.model, Duration.ZERO, s.fallbacks));
    }
    return List.copyOf(chain);
  }

  /** These settings for another server and model, outage wait and fallbacks. */
  private LlmSettings with(
      String otherUrl,
      String otherKey,
      String otherModel,
      Duration otherOutageWait,
      List<Fallback> otherFallbacks) {
    return new LlmSettings(
        provider,
        otherUrl,
        otherKey,
        otherModel,
        requestTimeout,
        maxRetries,
        retryBackoff,
        maxConnections,
        maxOpenRequests,
        maxResponseBytes,
        maxQueueWait,
        otherOutageWait,
        breakerMaxFailures,
        breakerResetTimeout,
        breakerMaxResetTimeout,
        sampling,
        otherFallbacks);
  }

  public boolean isOffline() {
    return OFFLINE.equals(provider);
  }

  /**
   * Checks that these settings can work, so that a wrong configuration stops start-up with one
   * clear sentence instead of failing on the first user message.
   *
   * @return these settings, for chaining
   * @throws IllegalArgumentException naming the key that is wrong
   */
  public LlmSettings validate() {
    if (!OFFLINE.equals(provider) && !OPENAI.equals(provider)) {
      throw new IllegalArgumentException(
          "parley.llm.provider (LLM_PROVIDER) must be \"offline\" or \"openai\", not \""
              + provider
              + "\".");
    }
    if (OPENAI.equals(provider) && baseUrl.isEmpty()) {
      throw new IllegalArgumentException(
          "parley.llm.base-url (LLM_BASE_URL) must be set when the provider is openai.");
    }
    if (OPENAI.equals(provider) && !baseUrl.matches("(?i)https?://.+")) {
      throw new IllegalArgumentException(
          "parley.llm.base-url (LLM_BASE_URL) must start with http:// or https://.");
    }
    if (OPENAI.equals(provider) && model.isEmpty()) {
      throw new IllegalArgumentException(
          "parley.llm.model (LLM_MODEL) must be set when the provider is openai.");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("parley.llm.request-timeout must be positive.");
    }
    if (maxRetries < 0 || retryBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "parley.llm.max-retries and parley.llm.retry-backoff must not be negative.");
    }
    for (int i = 0; i < fallbacks.size(); i++) {
      Fallback f = fallbacks.get(i);
      if (!OPENAI.equals(provider)) {
        throw new IllegalArgumentException(
            "parley.llm.fallbacks need the openai provider (the offline model never fails).");
      }
      if (!f.baseUrl().matches("(?i)https?://.+") || f.model().isEmpty()) {
        throw new IllegalArgumentException(
            "parley.llm.fallbacks["
                + i
                + "] needs a base-url starting with http:// or https:// and a model.");
      }
    }
    if (outageWait.isNegative()) {
      throw new IllegalArgumentException("parley.llm.outage-wait must not be negative.");
    }
    if (breakerMaxFailures < 1
        || breakerResetTimeout.isZero()
        || breakerResetTimeout.isNegative()
        || breakerMaxResetTimeout.compareTo(breakerResetTimeout) < 0) {
      throw new IllegalArgumentException(
          "parley.llm.breaker needs max-failures >= 1 and 0 < reset-timeout <= max-reset-timeout.");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("parley.llm.max-connections must be at least 1.");
    }
    // pekko-http refuses a pool whose max-open-requests is not a power of two; say so here.
    if (maxOpenRequests < 1 || Integer.bitCount(maxOpenRequests) != 1) {
      throw new IllegalArgumentException(
          "parley.llm.max-open-requests must be a power of two, not " + maxOpenRequests + ".");
    }
    if (maxOpenRequests < maxConnections) {
      throw new IllegalArgumentException(
          "parley.llm.max-open-requests ("
              + maxOpenRequests
              + ") must be at least parley.llm.max-connections ("
              + maxConnections
              + ").");
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("parley.llm.max-response-bytes must be positive.");
    }
    return this;
  }

  /** Like the record's own, but the API key is shown only as set or not. */
  @Override
  public String toString() {
    return "LlmSettings[provider="
        + provider
        + ", baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey.isEmpty() ? "<none>" : "***")
        + ", model="
        + model
        + ", requestTimeout="
        + requestTimeout
        + ", maxRetries="
        + maxRetries
        + ", retryBackoff="
        + retryBackoff
        + ", maxConnections="
        + maxConnections
        + ", maxOpenRequests="
        + maxOpenRequests
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", fallbacks="
        + fallbacks
        + "]";
  }
}
