package dev.parley.cluster;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Pekko Management on the management port (health probes, cluster views, metrics) and, with
 * {@code PARLEY_DISCOVERY=kubernetes-api}, Cluster Bootstrap, which finds the other pods through
 * the Kubernetes API and forms or joins the cluster. With seed nodes the cluster forms as before
 * and Bootstrap stays off: starting both would be two ways of joining at once.
 */
public final class Management {
  private static final Logger log = LoggerFactory.getLogger(Management.class);

  private Management() {}

  /** Completes with the management endpoint's address once it is bound (its real port). */
  public static CompletionStage<Uri> start(ActorSystem<?> system) {
    var config = system.settings().config();
    CompletionStage<Uri> bound = PekkoManagement.get(system.classicSystem()).start();
    return bound.thenApply(
        uri -> {
          log.info("parley: management on {}", uri);
          if (usesKubernetesDiscovery(config)) {
            log.info(
                "parley: cluster bootstrap through the Kubernetes API, pods \"{}\", {} contact points"
                    + " needed to form a new cluster",
                config.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
                config.getInt(
                    "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
            ClusterBootstrap.get(system.classicSystem()).start();
          }
          return uri;
        });
  }

  public static boolean usesKubernetesDiscovery(com.typesafe.config.Config config) {
    return config.getString("parley.cluster.discovery").equals("kubernetes-api");
  }
}
