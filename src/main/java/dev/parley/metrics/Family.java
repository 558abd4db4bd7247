package dev.parley.metrics;

import java.util.List;

/** A metric with its help text, its Prometheus type and the samples read at one scrape. */
record Family(String name, String help, String type, List<Sample> samples) {}
