// The Kubernetes deployment (deploy/kubernetes): every manifest, and the kustomization rendered by
// kustomize, passes kubernetes-validate --strict against the API schemas of Kubernetes 1.30 (both
// tools pinned and installed by scripts/setup.sh); a broken manifest fails with the validator's
// message; and the points of the security review hold in the files themselves: hardened
// containers, the UI off and redaction set, a NetworkPolicy that admits no one to the UI, executors
// without API access, no literal secret.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kManifests = SICOOP_KUBERNETES_DIR;
constexpr const char* kKubernetesVersion = "1.30";

// Every manifest of the folder: the kustomization's resources and the executors' pod template.
std::vector<fs::path> ManifestFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kManifests)) {
    if (entry.path().extension() == ".yaml" && entry.path().filename() != "kustomization.yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

RunResult Validate(const std::vector<fs::path>& files) {
  std::vector<std::string> argv = {SICOOP_KUBERNETES_VALIDATE, "--strict", "-k", kKubernetesVersion};
  for (const auto& file : files) argv.push_back(file.string());
  return RunCommand(argv);
}

// What kustomize renders of the kustomization (every object, the generated ConfigMap included).
fs::path Render(const fs::path& folder) {
  const fs::path rendered = folder / "rendered.yaml";
  RunResult build = RunCommand({SICOOP_KUSTOMIZE, "build", kManifests.string(), "--output", rendered.string()});
  EXPECT_EQ(build.exit_code, 0) << build.output;
  return rendered;
}

// Each "INFO ... passed" line of the validator: one per object; anything else (a WARN for an
// unknown kind, an ERROR) fails.
void ExpectEveryObjectPassed(const RunResult& run, size_t objects) {
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  std::string line;
  size_t passed = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const bool ok = line.rfind("INFO ", 0) == 0 && line.find(" passed for resource ") != std::string::npos &&
                    line.find("against version 1.30") != std::string::npos;
    EXPECT_TRUE(ok) << line;
    passed += ok ? 1 : 0;
  }
  EXPECT_EQ(passed, objects) << run.output;
}

std::vector<YAML::Node> Documents(const fs::path& file) {
  std::vector<YAML::Node> documents;
  for (const auto& document : YAML::LoadAllFromFile(file.string())) {
    if (document.IsMap()) documents.push_back(document);
  }
  return documents;
}

class KubernetesTest : public ::testing::Test {
 protected:
  void SetUp() override { folder_ = MakeTestFolder("sicoop-kubernetes"); }
  void TearDown() override { fs::remove_all(folder_); }

  // The rendered objects, by "Kind/name" (the ConfigMap's name without kustomize's hash suffix).
  std::map<std::string, YAML::Node> RenderedObjects() {
    std::map<std::string, YAML::Node> objects;
    for (const auto& object : Documents(Render(folder_))) {
      std::string name = object["metadata"]["name"].as<std::string>();
      if (object["kind"].as<std::string>() == "ConfigMap") name = std::regex_replace(name, std::regex("-[a-z0-9]{10}$"), "");
      objects[object["kind"].as<std::string>() + "/" + name] = object;
    }
    return objects;
  }

  fs::path folder_;
};

size_t ObjectCount(const std::vector<fs::path>& files) {
  size_t count = 0;
  for (const auto& file : files) count += Documents(file).size();
  return count;
}

TEST_F(KubernetesTest, EveryManifestPassesStrictValidation) {
  const auto files = ManifestFiles();
  ASSERT_GE(files.size(), 7u) << "manifests missing from " << kManifests;
  ExpectEveryObjectPassed(Validate(files), ObjectCount(files));
}

TEST_F(KubernetesTest, TheRenderedKustomizationPassesStrictValidation) {
  const fs::path rendered = Render(folder_);
  const size_t objects = ObjectCount({rendered});
  // 3 ServiceAccounts, Role, RoleBinding, ConfigMap, Service, Deployment, CronJob, Ingress, 3 NetworkPolicies.
  EXPECT_EQ(objects, 13u);
  ExpectEveryObjectPassed(Validate({rendered}), objects);
  for (const auto& object : Documents(rendered)) {
    EXPECT_EQ(object["metadata"]["namespace"].as<std::string>(""), "sicoop-spark") << object["metadata"]["name"];
  }
}

// Each a copy of deployment.yaml with one thing broken, and what the validator says of it.
TEST_F(KubernetesTest, ABrokenManifestFailsWithTheValidatorsMessage) {
  const std::string deployment = ReadWholeFile(kManifests / "deployment.yaml");
  const std::regex replicas("\n  replicas: 1[^\n]*\n");
  ASSERT_TRUE(std::regex_search(deployment, replicas));
  struct Broken {
    std::string name, replacement, message;
  };
  for (const Broken& broken : std::vector<Broken>{
           {"wrong-field", "\n  replica: 1\n", "spec: Additional properties are not allowed ('replica' was unexpected)"},
           {"wrong-type", "\n  replicas: \"one\"\n", "spec.replicas: 'one' is not of type 'integer'"}}) {
    const fs::path file = folder_ / (broken.name + ".yaml");
    std::ofstream(file) << std::regex_replace(deployment, replicas, broken.replacement);
    RunResult run = Validate({file});
    EXPECT_NE(run.exit_code, 0) << broken.name << ":\n" << run.output;
    EXPECT_NE(run.output.find("ERROR " + file.string() + " did not validate for resource deployment/spark-connect"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find(broken.message), std::string::npos) << run.output;
  }
}

// Every object carries the standard labels.
TEST_F(KubernetesTest, EveryObjectHasTheStandardLabels) {
  auto objects = RenderedObjects();
  ASSERT_FALSE(objects.empty());
  for (const auto& [name, object] : objects) {
    for (const char* label : {"app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"}) {
      EXPECT_FALSE(object["metadata"]["labels"][label].as<std::string>("").empty()) << name << " lacks " << label;
    }
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/part-of"].as<std::string>(""), "sicoop") << name;
  }
}

void ExpectHardenedPod(const std::string& what, const YAML::Node& pod) {
  const YAML::Node pod_context = pod["securityContext"];
  EXPECT_TRUE(pod_context["runAsNonRoot"].as<bool>(false)) << what;
  EXPECT_EQ(pod_context["seccompProfile"]["type"].as<std::string>(""), "RuntimeDefault") << what;
  ASSERT_TRUE(pod["containers"].IsSequence()) << what;
  std::set<std::string> empty_dirs;
  for (const auto& volume : pod["volumes"]) {
    if (volume["emptyDir"]) empty_dirs.insert(volume["name"].as<std::string>());
  }
  for (const auto& container : pod["containers"]) {
    const std::string name = what + " container " + container["name"].as<std::string>();
    const YAML::Node context = container["securityContext"];
    EXPECT_TRUE(context["runAsNonRoot"].as<bool>(false)) << name;
    EXPECT_FALSE(context["allowPrivilegeEscalation"].as<bool>(true)) << name;
    EXPECT_TRUE(context["readOnlyRootFilesystem"].as<bool>(false)) << name;
    EXPECT_EQ(context["seccompProfile"]["type"].as<std::string>(""), "RuntimeDefault") << name;
    ASSERT_TRUE(context["capabilities"]["drop"].IsSequence()) << name;
    EXPECT_EQ(context["capabilities"]["drop"].size(), 1u) << name;
    EXPECT_EQ(context["capabilities"]["drop"][0].as<std::string>(""), "ALL") << name;
    EXPECT_FALSE(context["capabilities"]["add"]) << name;
    // A read-only root leaves the JVM and Spark a writable /tmp.
    bool writable_tmp = false;
    for (const auto& mount : container["volumeMounts"]) {
      writable_tmp = writable_tmp || (mount["mountPath"].as<std::string>() == "/tmp" &&
                                      empty_dirs.count(mount["name"].as<std::string>()) == 1);
    }
    EXPECT_TRUE(writable_tmp) << name << " has no emptyDir on /tmp";
  }
}

TEST_F(KubernetesTest, EveryContainerIsHardened) {
  auto objects = RenderedObjects();
  ASSERT_EQ(objects.count("Deployment/spark-connect"), 1u);
  ASSERT_EQ(objects.count("CronJob/sicoop-etl"), 1u);
  ExpectHardenedPod("the server", objects["Deployment/spark-connect"]["spec"]["template"]["spec"]);
  ExpectHardenedPod("the daily run", objects["CronJob/sicoop-etl"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
  const YAML::Node executor = YAML::LoadFile((kManifests / "executor-pod-template.yaml").string());
  ExpectHardenedPod("the executors' template", executor["spec"]);
  // The executors and the daily run call no Kubernetes API: no token mounted, no permission.
  EXPECT_FALSE(executor["spec"]["automountServiceAccountToken"].as<bool>(true));
  EXPECT_FALSE(objects["ServiceAccount/spark-executor"]["automountServiceAccountToken"].as<bool>(true));
  EXPECT_FALSE(objects["ServiceAccount/sicoop-etl"]["automountServiceAccountToken"].as<bool>(true));
  for (const auto& [name, object] : objects) {
    if (object["kind"].as<std::string>() != "RoleBinding") continue;
    for (const auto& subject : object["subjects"]) {
      EXPECT_EQ(subject["name"].as<std::string>(), "spark-connect") << name << " grants a permission";
    }
  }
  // The server's Role: its executor pods and their config map, no Service, no volume claim.
  std::set<std::string> resources;
  for (const auto& rule : objects["Role/spark-connect-executors"]["rules"]) {
    for (const auto& resource : rule["resources"]) resources.insert(resource.as<std::string>());
  }
  EXPECT_EQ(resources, (std::set<std::string>{"configmaps", "pods"}));
}

// spark-defaults.conf as Spark reads it: key, then the value after the blanks.
std::map<std::string, std::string> SparkDefaults() {
  std::map<std::string, std::string> settings;
  std::istringstream lines(ReadWholeFile(kManifests / "spark-defaults.conf"));
  std::string line;
  static const std::regex kSetting(R"(^(\S+)\s+(.*\S)\s*$)");
  while (std::getline(lines, line)) {
    std::smatch match;
    if (line.empty() || line[0] == '#' || !std::regex_match(line, match, kSetting)) continue;
    settings[match[1].str()] = match[2].str();
  }
  return settings;
}

TEST_F(KubernetesTest, TheServerHasNoUiRedactsAndAuthenticatesItsExecutors) {
  auto settings = SparkDefaults();
  EXPECT_EQ(settings["spark.ui.enabled"], "false");
  EXPECT_NE(settings["spark.redaction.regex"].find("password"), std::string::npos);
  EXPECT_NE(settings["spark.sql.redaction.string.regex"].find("password"), std::string::npos);
  EXPECT_EQ(settings["spark.authenticate"], "true");
  EXPECT_EQ(settings["spark.network.crypto.enabled"], "true");
  // The shared secret from a file that the Secret spark-rpc-auth is mounted as, in the server and
  // (spark.kubernetes.executor.secrets) in every executor at the same path: never a value here.
  EXPECT_EQ(settings.count("spark.authenticate.secret"), 0u);
  EXPECT_EQ(settings["spark.authenticate.secret.file"], "/etc/sicoop/spark-rpc-auth/secret");
  EXPECT_EQ(settings["spark.kubernetes.executor.secrets.spark-rpc-auth"], "/etc/sicoop/spark-rpc-auth");
  auto objects = RenderedObjects();
  const YAML::Node server = objects["Deployment/spark-connect"]["spec"]["template"]["spec"];
  bool secret_mounted = false;
  for (const auto& volume : server["volumes"]) {
    secret_mounted = secret_mounted || (volume["secret"] && volume["secret"]["secretName"].as<std::string>() == "spark-rpc-auth");
  }
  EXPECT_TRUE(secret_mounted);
  // Nothing is fetched at start: the jars are in the image, which the executors run too.
  const std::string args = YAML::Dump(server["containers"][0]["args"]);
  EXPECT_EQ(args.find("--packages"), std::string::npos) << args;
  EXPECT_EQ(server["containers"][0]["image"].as<std::string>(), settings["spark.kubernetes.container.image"]);
  // Operations: a default parallelism of the server at full size, a release of idle executors
  // that hold shuffle files, a startup probe rather than a long initial delay.
  EXPECT_EQ(std::stoi(settings["spark.default.parallelism"]),
            std::stoi(settings["spark.dynamicAllocation.maxExecutors"]) * std::stoi(settings["spark.executor.cores"]));
  EXPECT_FALSE(settings["spark.dynamicAllocation.shuffleTracking.timeout"].empty());
  EXPECT_TRUE(server["containers"][0]["startupProbe"]);
  EXPECT_FALSE(server["containers"][0]["livenessProbe"]["initialDelaySeconds"]);
  EXPECT_GE(server["terminationGracePeriodSeconds"].as<int>(0), 3600);
  EXPECT_NE(args.find("spark.kubernetes.executor.podNamePrefix=$(POD_NAME)"), std::string::npos) << args;
}

// The ports of a NetworkPolicy rule; a rule without ports admits every port, which fails here.
std::set<int> RulePorts(const std::string& what, const YAML::Node& rule) {
  std::set<int> ports;
  EXPECT_TRUE(rule["ports"].IsSequence()) << what << ": a rule without ports admits them all";
  for (const auto& port : rule["ports"]) ports.insert(port["port"].as<int>());
  return ports;
}

TEST_F(KubernetesTest, TheNetworkPolicyAdmitsTheIngressAndTheExecutorsOnlyAndNoOneToTheUi) {
  auto objects = RenderedObjects();
  const YAML::Node server = objects["NetworkPolicy/spark-connect-server"]["spec"];
  ASSERT_TRUE(server) << "no NetworkPolicy spark-connect-server";
  EXPECT_EQ(server["podSelector"]["matchLabels"]["app.kubernetes.io/component"].as<std::string>(""), "server");
  EXPECT_EQ(YAML::Dump(server["policyTypes"]).find("Ingress") != std::string::npos, true);
  std::map<int, std::string> admitted;  // port -> from whom
  for (const auto& rule : server["ingress"]) {
    ASSERT_EQ(rule["from"].size(), 1u);
    const YAML::Node from = rule["from"][0];
    const std::string who = from["namespaceSelector"]
                                ? "namespace " + from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"].as<std::string>("")
                                : "pods " + from["podSelector"]["matchLabels"]["app.kubernetes.io/component"].as<std::string>("");
    for (int port : RulePorts("spark-connect-server", rule)) admitted[port] = who;
  }
  EXPECT_EQ(admitted, (std::map<int, std::string>{
                          {15002, "namespace ingress-nginx"}, {7078, "pods executor"}, {7079, "pods executor"}}));
  EXPECT_EQ(admitted.count(4040), 0u);

  const YAML::Node executors = objects["NetworkPolicy/spark-connect-executors"]["spec"];
  ASSERT_TRUE(executors) << "no NetworkPolicy spark-connect-executors";
  EXPECT_NE(YAML::Dump(executors["policyTypes"]).find("Egress"), std::string::npos);
  std::set<int> egress;
  for (const auto& rule : executors["egress"]) {
    for (int port : RulePorts("spark-connect-executors", rule)) egress.insert(port);
  }
  // The driver, each other, DNS, PostgreSQL, MariaDB, S3 and STS over HTTPS.
  EXPECT_EQ(egress, (std::set<int>{7078, 7079, 53, 5432, 3306, 443}));
  // The executors' template carries the labels the policies select.
  const YAML::Node executor = YAML::LoadFile((kManifests / "executor-pod-template.yaml").string());
  EXPECT_EQ(executor["metadata"]["labels"]["app.kubernetes.io/component"].as<std::string>(""), "executor");
}

// No Secret object and no literal value for a variable that holds a secret: every such variable
// (IsSecretVariable's words) comes from a secretKeyRef, or is a URL that takes it from one.
TEST_F(KubernetesTest, NoSecretIsWrittenInTheManifests) {
  auto objects = RenderedObjects();
  static const std::regex kSecretName("PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|_KEY$|_PWD$");
  size_t from_secrets = 0;
  for (const auto& [name, object] : objects) {
    EXPECT_NE(object["kind"].as<std::string>(), "Secret") << name;
    std::function<void(const YAML::Node&)> visit = [&](const YAML::Node& node) {
      if (node.IsMap() && node["env"] && node["env"].IsSequence()) {
        for (const auto& variable : node["env"]) {
          const std::string variable_name = variable["name"].as<std::string>();
          if (!std::regex_search(variable_name, kSecretName)) continue;
          if (variable["valueFrom"]) {
            EXPECT_TRUE(variable["valueFrom"]["secretKeyRef"]) << name << " " << variable_name;
            ++from_secrets;
          } else {
            // A file's path, or a value built from another variable ($(NAME)).
            const std::string value = variable["value"].as<std::string>("");
            EXPECT_TRUE(value.rfind("/etc/", 0) == 0 || value.find("$(") != std::string::npos)
                << name << " " << variable_name << " has a literal value";
          }
        }
      }
      if (node.IsMap()) {
        for (const auto& entry : node) visit(entry.second);
      } else if (node.IsSequence()) {
        for (const auto& item : node) visit(item);
      }
    };
    visit(object);
  }
  EXPECT_EQ(from_secrets, 2u) << "the server's Connect token and the daily run's";
  // The password and the token key reach the daily run as files of mounted Secrets.
  const YAML::Node etl = objects["CronJob/sicoop-etl"]["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  std::set<std::string> secrets;
  for (const auto& volume : etl["volumes"]) {
    if (volume["secret"]) secrets.insert(volume["secret"]["secretName"].as<std::string>());
  }
  EXPECT_EQ(secrets, (std::set<std::string>{"sicoop-db", "sicoop-token-key"}));
}

}  // namespace
}  // namespace sicoop::testing
