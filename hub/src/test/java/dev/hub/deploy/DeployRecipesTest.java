package dev.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import dev.hub.config.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment recipes under {@code deploy/} parse, and name what the hub really serves and
 * reads: its ports, its probe paths, and only {@code HUB_*} variables that a {@link Setting} or a
 * cluster configuration file reads. No container engine runs here, so this is as far as they are
 * checked; {@code OperationsNodeTest} checks that a node answers on the paths named here.
 */
class DeployRecipesTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final int HTTP_PORT = 8080;
  private static final int HAZELCAST_PORT = 5701;
  /** The fixed event-bus port the recipes give HUB_CLUSTER_BUS_PORT, so a NetworkPolicy or firewall can name it. */
  private static final int BUS_PORT = 5702;
  /** The keys of the cluster TLS secret, as cert-manager and {@code kubernetes.io/tls} name them. */
  private static final Map<String, String> CLUSTER_TLS_KEYS = Map.of(
      "HUB_CLUSTER_TLS_CERT",
      "tls.crt",
      "HUB_CLUSTER_TLS_KEY",
      "tls.key",
      "HUB_CLUSTER_TLS_CA",
      "ca.crt");
  /** Variables the cluster configuration files read themselves (as {@code ${NAME}}), beside the settings. */
  private static final Set<String> CLUSTER_FILE_VARIABLES = Set.of("HUB_K8S_SERVICE_DNS");

  @Test
  void composeRunsThreeNodesWithRealSettingsBehindALoadBalancer() throws IOException {
    Map<String, Object> compose = yaml(DEPLOY.resolve("compose/compose.yaml")).get(0);
    Map<String, Object> services = map(compose, "services");
    List<String> hubs = services.keySet().stream()
        .filter(name -> name.startsWith("hub"))
        .sorted()
        .toList();
    assertThat(hubs).containsExactly("hub1", "hub2", "hub3");
    for (String name : hubs) {
      Map<String, Object> hub = map(services, name);
      Map<String, String> env = stringMap(map(hub, "environment"));
      assertKnownVariables(env.keySet());
      assertThat(env)
          .containsEntry("HUB_PORT", String.valueOf(HTTP_PORT))
          .containsEntry("HUB_NODE_ID", name);
      assertThat(list(hub, "expose"))
          .map(String::valueOf)
          .contains(
              String.valueOf(HTTP_PORT), String.valueOf(HAZELCAST_PORT), String.valueOf(BUS_PORT));
      String address = String.valueOf(map(map(hub, "networks"), "hub").get("ipv4_address"));
      assertThat(env.get("HUB_CLUSTER_HOST")).isEqualTo(address);
      assertThat(env.get("HUB_MEMBERS")).contains(address + ":" + HAZELCAST_PORT);
      assertClusterConfigExists(env.get("HUB_CLUSTER_CONFIG"));
    }
    Map<String, Object> lb = map(services, "lb");
    // The nodes run in open mode: the load balancer, their only way in, is for this machine only.
    assertThat(list(lb, "ports"))
        .map(String::valueOf)
        .as("the load balancer's published ports")
        .containsExactly("127.0.0.1:" + HTTP_PORT + ":" + HTTP_PORT);
    for (Map<String, Object> service : services.values().stream()
        .map(DeployRecipesTest::<Map<String, Object>>cast)
        .toList()) {
      if (service.containsKey("ports")) {
        assertThat(list(service, "ports"))
            .map(String::valueOf)
            .as("published ports")
            .allMatch(p -> p.startsWith("127.0.0.1:"));
      }
    }
    assertThat(list(lb, "volumes"))
        .anyMatch(volume -> String.valueOf(volume).startsWith("./haproxy.cfg:"));

    String haproxy = Files.readString(DEPLOY.resolve("compose/haproxy.cfg"));
    assertThat(haproxy).contains("option httpchk GET /ready").contains("bind :" + HTTP_PORT);
    for (String name : hubs) {
      assertThat(haproxy).containsPattern("server " + name + " " + name + ":" + HTTP_PORT + "\\b");
    }
  }

  @Test
  void dockerfileRunsTheFatJarOnTheHubsPorts() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    assertThat(dockerfile)
        .containsPattern("(?m)^EXPOSE " + HTTP_PORT + " " + HAZELCAST_PORT + " " + BUS_PORT + "$")
        .containsPattern("\\bHUB_CLUSTER_BUS_PORT=" + BUS_PORT + "\\b");
    assertThat(dockerfile)
        .contains("/src/hub/target/hub.jar")
        .containsPattern("(?m)^ENTRYPOINT \\[\"java\",.*\"-jar\"");
    Matcher env = Pattern.compile("\\b(HUB_[A-Z_]+)=").matcher(dockerfile);
    List<String> names = new ArrayList<>();
    while (env.find()) {
      names.add(env.group(1));
    }
    assertThat(names).isNotEmpty();
    assertKnownVariables(names);
    assertThat(Files.readString(Path.of("pom.xml")))
        .as("the shade plugin writes the jar the Dockerfile copies")
        .contains("<outputFile>${project.build.directory}/hub.jar</outputFile>");
  }

  /**
   * Maven reads every module the root pom lists before it builds any, even with {@code -pl hub}: a
   * module missing from the image's build context fails the image build at once.
   */
  @Test
  void dockerfileCopiesEveryModuleOfTheBuild() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    Matcher module = Pattern.compile("<module>([^<]+)</module>")
        .matcher(Files.readString(Path.of("..", "pom.xml")));
    List<String> missing = new ArrayList<>();
    while (module.find()) {
      if (!Pattern.compile("(?m)^COPY " + Pattern.quote(module.group(1)) + " "
              + Pattern.quote(module.group(1)) + "$")
          .matcher(dockerfile)
          .find()) {
        missing.add(module.group(1));
      }
    }
    assertThat(missing)
        .as("modules of the root pom the Dockerfile does not copy")
        .isEmpty();
  }

  @Test
  void kubernetesManifestsProbeReadyAndHealthAndDiscoverThroughTheHeadlessService()
      throws IOException {
    Map<String, Map<String, Object>> byKind = new HashMap<>();
    try (var files = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (Map<String, Object> doc : yaml(file)) {
          String kind = (String) doc.get("kind");
          String name = String.valueOf(map(doc, "metadata").get("name"));
          byKind.put(kind + "/" + name, doc);
        }
      }
    }
    assertThat(byKind)
        .containsKeys(
            "Service/hub-cluster",
            "Service/hub",
            "StatefulSet/hub",
            "PodDisruptionBudget/hub",
            "NetworkPolicy/hub");

    Map<String, Object> headless = map(byKind.get("Service/hub-cluster"), "spec");
    assertThat(headless.get("clusterIP")).isEqualTo("None");
    assertThat(ports(headless)).containsEntry("hazelcast", HAZELCAST_PORT);
    assertThat(ports(map(byKind.get("Service/hub"), "spec"))).containsEntry("http", HTTP_PORT);

    Map<String, Object> set = map(byKind.get("StatefulSet/hub"), "spec");
    assertThat(set.get("serviceName")).isEqualTo("hub-cluster");
    Map<String, Object> pod = map(map(set, "template"), "spec");
    Map<String, Object> container = maps(pod, "containers").get(0);
    Map<String, Integer> containerPorts = new HashMap<>();
    maps(container, "ports")
        .forEach(p -> containerPorts.put((String) p.get("name"), (Integer) p.get("containerPort")));
    assertThat(containerPorts)
        .containsEntry("http", HTTP_PORT)
        .containsEntry("hazelcast", HAZELCAST_PORT)
        .containsEntry("eventbus", BUS_PORT);

    Map<String, Object> ready = map(map(container, "readinessProbe"), "httpGet");
    assertThat(ready).containsEntry("path", "/ready").containsEntry("port", "http");
    Map<String, Object> alive = map(map(container, "livenessProbe"), "httpGet");
    assertThat(alive).containsEntry("path", "/health").containsEntry("port", "http");

    Map<String, Map<String, Object>> env = new HashMap<>();
    maps(container, "env").forEach(variable -> env.put((String) variable.get("name"), variable));
    assertKnownVariables(
        env.keySet().stream().filter(name -> name.startsWith("HUB_")).toList());
    assertThat(env.get("HUB_CLUSTER_CONFIG").get("value"))
        .isEqualTo("classpath:hub-cluster/kubernetes.xml");
    assertClusterConfigExists((String) env.get("HUB_CLUSTER_CONFIG").get("value"));
    assertThat((String) env.get("HUB_K8S_SERVICE_DNS").get("value")).startsWith("hub-cluster.");
    assertThat(map(map(env.get("HUB_CLUSTER_HOST"), "valueFrom"), "fieldRef").get("fieldPath"))
        .isEqualTo("status.podIP");
    assertThat(env.get("HUB_PORT").get("value")).isEqualTo(String.valueOf(HTTP_PORT));
    assertThat(env.get("HUB_CLUSTER_BUS_PORT").get("value")).isEqualTo(String.valueOf(BUS_PORT));
    assertClusterTlsFromTheSecret(pod, container, env);
    assertNetworkPolicyAdmitsClusterPortsFromHubPodsOnly(
        byKind.get("NetworkPolicy/hub"),
        map(map(map(set, "template"), "metadata"), "labels"),
        containerPorts);

    // The pod gets SIGTERM after preStop, then needs the drain delay, the drain timeout (5 s by
    // default) and time to leave the cluster before Kubernetes kills it.
    List<Object> preStop =
        list(map(map(map(container, "lifecycle"), "preStop"), "exec"), "command");
    int preStopSeconds = Integer.parseInt(String.valueOf(preStop.get(preStop.size() - 1)));
    long drainDelaySeconds =
        Long.parseLong((String) env.get("HUB_DRAIN_DELAY_MS").get("value")) / 1000;
    assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
        .isGreaterThan(preStopSeconds + (int) drainDelaySeconds + 5 + 10);
  }

  @Test
  void theKubernetesClusterFileReadsTheServiceDnsVariableOnTheHazelcastPort() {
    Properties variables = new Properties();
    variables.setProperty("HUB_K8S_SERVICE_DNS", "hub-cluster.default.svc.cluster.local");
    Config config = new ClasspathXmlConfig(
        getClass().getClassLoader(), "hub-cluster/kubernetes.xml", variables);
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(HAZELCAST_PORT);
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("hub-cluster.default.svc.cluster.local");
  }

  /** The three cluster TLS variables name files of one mounted secret, under the keys docs/operations.md documents. */
  private static void assertClusterTlsFromTheSecret(
      Map<String, Object> pod,
      Map<String, Object> container,
      Map<String, Map<String, Object>> env) {
    Map<String, Object> mount = maps(container, "volumeMounts").stream()
        .filter(m -> "cluster-tls".equals(m.get("name")))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("the hub container mounts a volume named cluster-tls"));
    assertThat(mount.get("readOnly")).isEqualTo(true);
    Map<String, Object> volume = maps(pod, "volumes").stream()
        .filter(v -> "cluster-tls".equals(v.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the pod has a volume named cluster-tls"));
    assertThat(map(volume, "secret").get("secretName")).isEqualTo("hub-cluster-tls");
    CLUSTER_TLS_KEYS.forEach((variable, key) -> assertThat(env.get(variable))
        .as(variable)
        .isNotNull()
        .extracting(v -> v.get("value"))
        .isEqualTo(mount.get("mountPath") + "/" + key));
  }

  /**
   * Hazelcast (which authenticates no member) and the event bus are reachable from hub pods only,
   * on the ports the statefulset uses; the HTTP port from anywhere.
   */
  private static void assertNetworkPolicyAdmitsClusterPortsFromHubPodsOnly(
      Map<String, Object> policy,
      Map<String, Object> podLabels,
      Map<String, Integer> containerPorts) {
    Map<String, Object> spec = map(policy, "spec");
    assertThat(map(spec, "podSelector").get("matchLabels")).isEqualTo(podLabels);
    assertThat(list(spec, "policyTypes")).contains("Ingress");
    Map<Integer, List<Map<String, Object>>> fromByPort = new HashMap<>();
    for (Map<String, Object> rule : maps(spec, "ingress")) {
      List<Map<String, Object>> from = rule.containsKey("from") ? maps(rule, "from") : List.of();
      for (Map<String, Object> port : maps(rule, "ports")) {
        Object number = port.get("port");
        fromByPort.put(
            number instanceof Integer n ? n : containerPorts.get(String.valueOf(number)), from);
      }
    }
    assertThat(fromByPort)
        .as("ports the policy admits")
        .containsOnlyKeys(HTTP_PORT, HAZELCAST_PORT, BUS_PORT);
    assertThat(fromByPort.get(HTTP_PORT))
        .as("peers admitted to the HTTP port (none listed: anyone)")
        .isEmpty();
    for (int port : List.of(HAZELCAST_PORT, BUS_PORT)) {
      assertThat(fromByPort.get(port))
          .as("peers admitted to port %d", port)
          .hasSize(1)
          .allSatisfy(peer -> assertThat(peer)
              .containsOnlyKeys("podSelector")
              .extracting(p -> map(p, "podSelector").get("matchLabels"))
              .isEqualTo(podLabels));
    }
  }

  private static void assertKnownVariables(java.util.Collection<String> names) {
    Set<String> known =
        Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
    known.addAll(CLUSTER_FILE_VARIABLES);
    assertThat(names).as("every HUB_* variable is one the hub reads").isSubsetOf(known);
  }

  private static void assertClusterConfigExists(String location) {
    assertThat(location).startsWith("classpath:");
    assertThat(DeployRecipesTest.class
            .getClassLoader()
            .getResource(location.substring("classpath:".length())))
        .as(location)
        .isNotNull();
  }

  private static List<Map<String, Object>> yaml(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
        if (doc != null) {
          docs.add(cast(doc));
        }
      }
    }
    assertThat(docs).as(file + " has YAML documents").isNotEmpty();
    return docs;
  }

  private static Map<String, Integer> ports(Map<String, Object> serviceSpec) {
    Map<String, Integer> ports = new HashMap<>();
    maps(serviceSpec, "ports")
        .forEach(p -> ports.put((String) p.get("name"), (Integer) p.get("port")));
    return ports;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return cast(value);
  }

  private static Map<String, String> stringMap(Map<String, Object> map) {
    Map<String, String> strings = new HashMap<>();
    map.forEach((key, value) -> strings.put(key, String.valueOf(value)));
    return strings;
  }

  private static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(List.class);
    return cast(value);
  }

  private static List<Map<String, Object>> maps(Map<String, Object> parent, String key) {
    return list(parent, key).stream()
        .map(DeployRecipesTest::<Map<String, Object>>cast)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object value) {
    return (T) value;
  }
}
