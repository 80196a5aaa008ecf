using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// Schema checks of rendered Kubernetes objects, written here because no schema checker (kubeconform, kubeval) is
/// packaged for Debian 12 and nothing outside the package registries can be fetched: known apiVersion/kind pairs,
/// the fields each kind requires with their types (a plain <c>5080</c> where Kubernetes wants a string is an error),
/// names and labels in Kubernetes' formats, container ports named, every environment variable defined once, probes
/// on every silo, and references between the objects (selectors that select, ports and Services that exist).
/// </summary>
internal static partial class KubernetesObjects
{
    public static readonly IReadOnlyDictionary<string, string> ApiVersions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ConfigMap"] = "v1", ["Secret"] = "v1", ["Service"] = "v1", ["ServiceAccount"] = "v1", ["Pod"] = "v1",
        ["Deployment"] = "apps/v1", ["PodDisruptionBudget"] = "policy/v1", ["HorizontalPodAutoscaler"] = "autoscaling/v2",
        ["NetworkPolicy"] = "networking.k8s.io/v1", ["Ingress"] = "networking.k8s.io/v1",
        ["ServiceMonitor"] = "monitoring.coreos.com/v1", ["PrometheusRule"] = "monitoring.coreos.com/v1",
    };

    private static readonly IReadOnlyDictionary<string, string[]> TopLevel = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["ConfigMap"] = ["data", "binaryData", "immutable"],
        ["Secret"] = ["data", "stringData", "type", "immutable"],
        ["ServiceAccount"] = ["automountServiceAccountToken", "imagePullSecrets", "secrets"],
    };

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1035Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1123Label();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PortName();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")]
    private static partial Regex Quantity();

    [GeneratedRegex(@"^[0-9]+%$")]
    private static partial Regex Percent();

    [GeneratedRegex(@"^([0-9]+(ms|s|m|h|d|w|y))+$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerText();

    /// <summary>Every problem in a rendered release, each naming its object and field; empty when the release is sound.</summary>
    public static List<string> Problems(IReadOnlyList<YamlMappingNode> docs)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in docs)
        {
            var kind = doc.Scalar("kind") ?? "";
            var name = doc.Scalar("metadata", "name") ?? "";
            var where = $"{kind}/{name}";
            void Problem(string what) => problems.Add($"{where}: {what}");
            if (!ApiVersions.TryGetValue(kind, out var apiVersion)) { Problem("unknown kind"); continue; }
            if (doc.Scalar("apiVersion") != apiVersion) Problem($"apiVersion {doc.Scalar("apiVersion")}, expected {apiVersion} for {kind}");
            if (!seen.Add(where)) Problem("defined twice");
            var allowed = new HashSet<string>(["apiVersion", "kind", "metadata"], StringComparer.Ordinal);
            allowed.UnionWith(TopLevel.TryGetValue(kind, out var extra) ? extra : ["spec"]);
            foreach (var (key, _) in doc.Entries()) if (!allowed.Contains(key)) Problem($"unknown top-level field {key}");
            if (!TopLevel.ContainsKey(kind) && doc.At("spec") is not YamlMappingNode) Problem("no spec");
            CheckMetadata(doc.At("metadata"), kind, Problem);
            switch (kind)
            {
                case "ConfigMap": StringMap(doc, ["data"], Problem); break;
                case "Secret": StringMap(doc, ["stringData"], Problem); StringMap(doc, ["data"], Problem); break;
                case "Deployment": CheckDeployment(doc, docs, Problem); break;
                case "Pod": CheckPod(doc.At("spec")!, Labels(doc, "metadata", "labels"), docs, probes: false, Problem); break;
                case "Service": CheckService(doc, docs, Problem); break;
                case "PodDisruptionBudget": CheckDisruptionBudget(doc, docs, Problem); break;
                case "HorizontalPodAutoscaler": CheckAutoscaler(doc, docs, Problem); break;
                case "NetworkPolicy": CheckNetworkPolicy(doc, Problem); break;
                case "Ingress": CheckIngress(doc, docs, Problem); break;
                case "ServiceMonitor": CheckServiceMonitor(doc, docs, Problem); break;
                case "PrometheusRule": CheckPrometheusRule(doc, Problem); break;
            }
        }
        return problems;
    }

    private static void CheckMetadata(YamlNode? metadata, string kind, Action<string> problem)
    {
        var name = metadata?.Scalar("name");
        if (metadata is null || string.IsNullOrEmpty(name)) { problem("metadata.name missing"); return; }
        // Services and the names that become DNS labels: RFC 1035 labels; the rest DNS subdomains.
        if (kind is "Service" ? !Rfc1035Label().IsMatch(name) || name.Length > 63 : !Subdomain().IsMatch(name) || name.Length > 253)
            problem($"metadata.name '{name}' is not a valid {kind} name");
        if (kind is "Deployment" or "Pod" && name.Length > 63) problem($"metadata.name '{name}' is longer than 63 (the pods' hostnames)");
        foreach (var (key, value) in metadata.Entries("labels"))
        {
            CheckQualifiedName(key, "label", problem);
            var text = ScalarString(value, $"label {key}", problem);
            if (text is not null && text.Length > 0 && (text.Length > 63 || !QualifiedNamePart().IsMatch(text))) problem($"label {key}: value '{text}' is not a valid label value");
        }
        foreach (var (key, value) in metadata.Entries("annotations"))
        {
            CheckQualifiedName(key, "annotation", problem);
            ScalarString(value, $"annotation {key}", problem);
        }
    }

    private static void CheckQualifiedName(string key, string what, Action<string> problem)
    {
        var slash = key.LastIndexOf('/');
        var (prefix, name) = slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
        if (name.Length > 63 || !QualifiedNamePart().IsMatch(name) || (prefix.Length > 0 && (prefix.Length > 253 || !Subdomain().IsMatch(prefix))))
            problem($"{what} key '{key}' is not a qualified name");
    }

    /// <summary>A scalar Kubernetes reads as a string: a plain scalar YAML types as a number, a boolean or null is refused.</summary>
    private static string? ScalarString(YamlNode node, string what, Action<string> problem)
    {
        if (node is not YamlScalarNode scalar) { problem($"{what} is not a string"); return null; }
        var typed = ChartValues.Convert(scalar);
        if (typed is null || typed.GetValueKind() != System.Text.Json.JsonValueKind.String)
            problem($"{what}: '{scalar.Value}' is read as a {(typed is null ? "null" : typed.GetValueKind().ToString().ToLowerInvariant())}, not a string (quote it)");
        return scalar.Value;
    }

    private static void StringMap(YamlNode doc, string[] path, Action<string> problem)
    {
        foreach (var (key, value) in doc.Entries(path)) ScalarString(value, $"{string.Join('.', path)}.{key}", problem);
    }

    private static bool IsInteger(YamlNode? node) => node is YamlScalarNode { Style: ScalarStyle.Plain } s && IntegerText().IsMatch(s.Value ?? "");

    private static bool IsIntOrPercent(YamlNode? node) => IsInteger(node) || (node is YamlScalarNode s && Percent().IsMatch(s.Value ?? ""));

    private static bool IsBool(YamlNode? node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" };

    public static Dictionary<string, string> Labels(YamlNode node, params string[] path) =>
        node.Entries(path).ToDictionary(e => e.Key, e => (e.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);

    /// <summary>Whether a non-empty selector's labels all hold in <paramref name="labels"/>.</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    private static IEnumerable<(YamlMappingNode Doc, Dictionary<string, string> Labels, YamlNode Pod)> PodTemplates(IEnumerable<YamlMappingNode> docs) =>
        docs.Where(d => d.Scalar("kind") == "Deployment" && d.At("spec", "template", "spec") is not null)
            .Select(d => (d, Labels(d, "spec", "template", "metadata", "labels"), d.At("spec", "template", "spec")!));

    private static void CheckDeployment(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var spec = doc.At("spec")!;
        if (spec.At("replicas") is { } replicas && !IsInteger(replicas)) problem("spec.replicas is not an integer");
        var selector = Labels(spec, "selector", "matchLabels");
        var labels = Labels(spec, "template", "metadata", "labels");
        if (!Selects(selector, labels)) problem("spec.selector does not select the pod template's labels");
        if (spec.Scalar("strategy", "type") is { } type)
        {
            if (type is not ("RollingUpdate" or "Recreate")) problem($"strategy {type}");
            if (type == "RollingUpdate")
                foreach (var field in new[] { "maxSurge", "maxUnavailable" })
                    if (!IsIntOrPercent(spec.At("strategy", "rollingUpdate", field))) problem($"strategy.rollingUpdate.{field} is not an integer or a percentage");
        }
        foreach (var (key, value) in spec.Entries("template", "metadata", "annotations")) ScalarString(value, $"pod annotation {key}", problem);
        if (spec.At("template", "spec") is not { } pod) { problem("no pod template"); return; }
        CheckPod(pod, labels, docs, probes: true, problem);
    }

    private static void CheckPod(YamlNode pod, Dictionary<string, string> podLabels, IReadOnlyList<YamlMappingNode> docs, bool probes, Action<string> problem)
    {
        var containers = pod.Items("containers").ToList();
        if (containers.Count == 0) problem("no containers");
        if (pod.At("terminationGracePeriodSeconds") is { } grace && !IsInteger(grace)) problem("terminationGracePeriodSeconds is not an integer");
        if (pod.Scalar("restartPolicy") is { } restart && restart is not ("Always" or "OnFailure" or "Never")) problem($"restartPolicy {restart}");
        if (!probes && pod.Scalar("restartPolicy") is not ("Never" or "OnFailure")) problem("a pod that runs to completion needs restartPolicy Never or OnFailure");
        if (pod.At("automountServiceAccountToken") is { } automount && !IsBool(automount)) problem("automountServiceAccountToken is not a boolean");
        var volumes = pod.Items("volumes").Select(v => v.Scalar("name") ?? "").ToList();
        if (volumes.Count != volumes.Distinct().Count()) problem("volume names repeat");
        foreach (var volume in pod.Items("volumes"))
            if (volume.Scalar("emptyDir", "sizeLimit") is { } size && !Quantity().IsMatch(size)) problem($"volume {volume.Scalar("name")}: sizeLimit '{size}'");
        foreach (var spread in pod.Items("topologySpreadConstraints"))
        {
            if (string.IsNullOrEmpty(spread.Scalar("topologyKey")) || !IsInteger(spread.At("maxSkew"))
                || spread.Scalar("whenUnsatisfiable") is not ("DoNotSchedule" or "ScheduleAnyway"))
                problem("a topologySpreadConstraint lacks topologyKey, an integer maxSkew or whenUnsatisfiable");
            if (!Selects(Labels(spread, "labelSelector", "matchLabels"), podLabels))
                problem($"topologySpreadConstraint on {spread.Scalar("topologyKey")} does not select the pod's own labels");
        }
        var configMaps = docs.Where(d => d.Scalar("kind") == "ConfigMap").ToDictionary(d => d.Scalar("metadata", "name")!, StringComparer.Ordinal);
        var secrets = docs.Where(d => d.Scalar("kind") == "Secret").ToDictionary(d => d.Scalar("metadata", "name")!, StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var cname = container.Scalar("name") ?? "";
            void Problem(string what) => problem($"container {cname}: {what}");
            if (!Rfc1123Label().IsMatch(cname) || cname.Length > 63) Problem("name is not a DNS label");
            if (string.IsNullOrWhiteSpace(container.Scalar("image"))) Problem("no image");
            if (container.Scalar("imagePullPolicy") is { } pull && pull is not ("Always" or "IfNotPresent" or "Never")) Problem($"imagePullPolicy {pull}");
            var ports = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var port in container.Items("ports"))
            {
                var pname = port.Scalar("name");
                if (pname is null) { Problem($"port {port.Scalar("containerPort")} has no name"); continue; }
                if (pname.Length > 15 || !PortName().IsMatch(pname) || !pname.Any(char.IsLetter) || pname.Contains("--", StringComparison.Ordinal))
                    Problem($"port name '{pname}' is not an IANA service name");
                if (!IsInteger(port.At("containerPort")) || int.Parse(port.Scalar("containerPort")!) is < 1 or > 65535)
                    Problem($"port {pname}: containerPort is not a port number");
                if (port.Scalar("protocol") is { } protocol && protocol is not ("TCP" or "UDP" or "SCTP")) Problem($"port {pname}: protocol {protocol}");
                if (!ports.TryAdd(pname, port.Scalar("containerPort") ?? "")) Problem($"port name {pname} repeats");
            }
            // Every variable defined once: in env, and across env and the ConfigMaps and Secrets it takes whole.
            var defined = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var env in container.Items("env"))
            {
                var ename = env.Scalar("name") ?? "";
                if (!EnvName().IsMatch(ename)) Problem($"env name '{ename}'");
                if (!defined.TryAdd(ename, "env")) Problem($"env {ename} is defined twice");
                if ((env.At("value") is null) == (env.At("valueFrom") is null)) Problem($"env {ename} needs exactly one of value and valueFrom");
                if (env.At("value") is { } value) ScalarString(value, $"env {ename}", Problem);
            }
            foreach (var from in container.Items("envFrom"))
            {
                var (source, pool) = from.Scalar("configMapRef", "name") is { } cm ? ($"ConfigMap/{cm}", configMaps.GetValueOrDefault(cm))
                    : from.Scalar("secretRef", "name") is { } sec ? ($"Secret/{sec}", secrets.GetValueOrDefault(sec))
                    : ("?", null);
                if (source == "?") { Problem("envFrom without configMapRef or secretRef"); continue; }
                // An existing Secret (secret.existingSecret) is not rendered: its keys cannot be checked here.
                if (pool is null) { if (source.StartsWith("ConfigMap/", StringComparison.Ordinal)) Problem($"envFrom {source}, which the release does not define"); continue; }
                foreach (var (key, _) in pool.Entries(source.StartsWith("Secret/", StringComparison.Ordinal) ? "stringData" : "data"))
                    if (!defined.TryAdd(key, source)) Problem($"env {key} is defined in both {defined[key]} and {source}");
            }
            var mounts = container.Items("volumeMounts").Select(m => m.Scalar("name") ?? "").ToList();
            foreach (var mount in mounts) if (!volumes.Contains(mount)) Problem($"volumeMount {mount} names no volume of the pod");
            foreach (var section in new[] { "requests", "limits" })
                foreach (var (resource, amount) in container.Entries("resources", section))
                    if (amount is not YamlScalarNode q || !Quantity().IsMatch(q.Value ?? "")) Problem($"resources.{section}.{resource} is not a quantity");
            if (container.At("securityContext") is null) Problem("no securityContext");
            if (probes)
            {
                foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
                {
                    if (container.At(probe) is not { } p) { Problem($"no {probe}"); continue; }
                    var handlers = new[] { "httpGet", "tcpSocket", "exec", "grpc" }.Count(h => p.At(h) is not null);
                    if (handlers != 1) Problem($"{probe} needs exactly one handler");
                    if (p.At("httpGet", "port") is YamlScalarNode port && !IsInteger(port) && !ports.ContainsKey(port.Value!))
                        Problem($"{probe} probes port '{port.Value}', which the container does not name");
                    foreach (var field in new[] { "periodSeconds", "failureThreshold", "timeoutSeconds", "initialDelaySeconds" })
                        if (p.At(field) is { } v && !IsInteger(v)) Problem($"{probe}.{field} is not an integer");
                }
            }
        }
    }

    private static void CheckService(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var spec = doc.At("spec")!;
        if (spec.Scalar("type") is { } type && type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName")) problem($"type {type}");
        var selector = Labels(spec, "selector");
        var pods = PodTemplates(docs).Where(p => Selects(selector, p.Labels)).ToList();
        if (pods.Count == 0) problem("its selector selects no pod of the release");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in spec.Items("ports"))
        {
            var name = port.Scalar("name") ?? "";
            if (!names.Add(name) || name.Length == 0) problem($"port name '{name}' missing or repeated");
            if (!IsInteger(port.At("port"))) problem($"port {name}: port is not an integer");
            if (port.At("targetPort") is YamlScalarNode target && !IsInteger(target))
                foreach (var pod in pods)
                    if (!pod.Pod.Items("containers").SelectMany(c => c.Items("ports")).Any(p => p.Scalar("name") == target.Value))
                        problem($"port {name}: targetPort '{target.Value}' is no named port of {pod.Doc.Scalar("metadata", "name")}");
        }
        if (names.Count == 0) problem("no ports");
    }

    private static void CheckDisruptionBudget(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var spec = doc.At("spec")!;
        var limits = new[] { "minAvailable", "maxUnavailable" }.Where(f => spec.At(f) is not null).ToList();
        if (limits.Count != 1) problem("needs exactly one of minAvailable and maxUnavailable");
        foreach (var f in limits) if (!IsIntOrPercent(spec.At(f))) problem($"{f} is not an integer or a percentage");
        if (spec.Scalar("unhealthyPodEvictionPolicy") is { } policy && policy is not ("IfHealthyBudget" or "AlwaysAllow")) problem($"unhealthyPodEvictionPolicy {policy}");
        var selector = Labels(spec, "selector", "matchLabels");
        if (PodTemplates(docs).Count(p => Selects(selector, p.Labels)) != 1) problem("selects the pods of other than exactly one Deployment");
    }

    private static void CheckAutoscaler(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var target = doc.Scalar("spec", "scaleTargetRef", "name");
        if (!docs.Any(d => d.Scalar("kind") == doc.Scalar("spec", "scaleTargetRef", "kind") && d.Scalar("metadata", "name") == target))
            problem($"scales {target}, which the release does not define");
        foreach (var f in new[] { "minReplicas", "maxReplicas" }) if (!IsInteger(doc.At("spec", f))) problem($"{f} is not an integer");
    }

    private static void CheckNetworkPolicy(YamlMappingNode doc, Action<string> problem)
    {
        if (doc.At("spec", "podSelector") is null) problem("no podSelector");
        foreach (var rule in doc.Items("spec", "ingress"))
            foreach (var port in rule.Items("ports"))
                if (!IsInteger(port.At("port"))) problem("an ingress port is not a number");
    }

    private static void CheckIngress(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var hosts = doc.Items("spec", "rules").Select(r => r.Scalar("host")).ToHashSet();
        foreach (var tls in doc.Items("spec", "tls"))
        {
            if (string.IsNullOrEmpty(tls.Scalar("secretName"))) problem("tls without secretName");
            foreach (var host in tls.Items("hosts").Select(h => ((YamlScalarNode)h).Value)) if (!hosts.Contains(host)) problem($"tls host {host} has no rule");
        }
        foreach (var path in doc.Items("spec", "rules").SelectMany(r => r.Items("http", "paths")))
        {
            if (path.Scalar("pathType") is not ("Prefix" or "Exact" or "ImplementationSpecific")) problem("a path without a valid pathType");
            var name = path.Scalar("backend", "service", "name");
            var service = docs.FirstOrDefault(d => d.Scalar("kind") == "Service" && d.Scalar("metadata", "name") == name);
            if (service is null) { problem($"backend Service {name} is not in the release"); continue; }
            var port = path.Scalar("backend", "service", "port", "name");
            if (port is null || !service.Items("spec", "ports").Any(p => p.Scalar("name") == port)) problem($"backend port '{port}' is not a port of Service {name}");
        }
    }

    private static void CheckServiceMonitor(YamlMappingNode doc, IReadOnlyList<YamlMappingNode> docs, Action<string> problem)
    {
        var selector = Labels(doc, "spec", "selector", "matchLabels");
        var services = docs.Where(d => d.Scalar("kind") == "Service" && Selects(selector, Labels(d, "metadata", "labels"))).ToList();
        if (services.Count == 0) problem("selects no Service of the release");
        foreach (var endpoint in doc.Items("spec", "endpoints"))
        {
            var port = endpoint.Scalar("port");
            foreach (var service in services)
                if (!service.Items("spec", "ports").Any(p => p.Scalar("name") == port))
                    problem($"endpoint port '{port}' is not a port of Service {service.Scalar("metadata", "name")}");
            if (endpoint.Scalar("interval") is { } interval && !Duration().IsMatch(interval)) problem($"interval '{interval}'");
        }
    }

    private static void CheckPrometheusRule(YamlMappingNode doc, Action<string> problem)
    {
        foreach (var group in doc.Items("spec", "groups"))
        {
            if (string.IsNullOrEmpty(group.Scalar("name"))) problem("a rule group without a name");
            foreach (var rule in group.Items("rules"))
            {
                if ((rule.Scalar("alert") is null) == (rule.Scalar("record") is null)) problem("a rule needs exactly one of alert and record");
                if (string.IsNullOrWhiteSpace(rule.Scalar("expr"))) problem($"rule {rule.Scalar("alert")} has no expr");
                if (rule.Scalar("for") is { } f && !Duration().IsMatch(f)) problem($"rule {rule.Scalar("alert")}: for '{f}'");
                foreach (var section in new[] { "labels", "annotations" })
                    foreach (var (key, value) in rule.Entries(section)) ScalarString(value, $"rule {rule.Scalar("alert")} {section}.{key}", problem);
            }
        }
    }
}
