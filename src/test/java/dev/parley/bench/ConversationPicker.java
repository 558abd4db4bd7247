package dev.parley.bench;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Which of N conversations the next message goes to: uniformly, or with skew, where the first tenth
 * of the conversations takes 90 % of the messages. Thread-safe.
 */
record ConversationPicker(int conversations, boolean skew) {
  int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (!skew) {
      return random.nextInt(conversations);
    }
    int hot = conversations / 10;
    return random.nextDouble() < 0.9
        ? random.nextInt(hot)
        : hot + random.nextInt(conversations - hot);
  }
}
