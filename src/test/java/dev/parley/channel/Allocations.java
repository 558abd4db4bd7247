package dev.parley.channel;

import java.lang.management.ManagementFactory;

/**
 * Bytes the calling thread allocates while it runs some work: a measure of work done that no
 * scheduler or machine load disturbs. It tells a linear split (a few bytes per character of text)
 * from one that copies the rest of the text for every part, and work done on the calling thread
 * from work handed to another.
 */
public final class Allocations {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  public static long during(Runnable work) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    work.run();
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
