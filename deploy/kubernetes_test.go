package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// manifests is every object of deploy/kubernetes, by kind, each decoded
// strictly into its Kubernetes API type.
type manifests struct {
	Deployments  []appsv1.Deployment
	StatefulSets []appsv1.StatefulSet
	Services     []corev1.Service
	ConfigMaps   []corev1.ConfigMap
	Secrets      []corev1.Secret
	PDBs         []policyv1.PodDisruptionBudget
	// Files maps each file's name to the kinds it holds.
	Files map[string][]string
}

// docSeparator splits a YAML stream into its documents.
var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// loadManifests decodes every .yaml file of deploy/kubernetes but the
// kustomization: an unknown field, a wrong type or an unknown kind fails.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in kubernetes/: %v", err)
	}
	m := manifests{Files: map[string][]string{}}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range docSeparator.Split(string(data), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			kind, err := m.decode([]byte(doc))
			if err != nil {
				t.Fatalf("%s, document %d: %v", f, i+1, err)
			}
			m.Files[filepath.Base(f)] = append(m.Files[filepath.Base(f)], kind)
		}
	}
	return m
}

// stripComments drops the YAML comment lines of doc.
func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decode decodes one document strictly by its apiVersion and kind and
// returns the kind.
func (m *manifests) decode(doc []byte) (string, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", fmt.Errorf("read apiVersion and kind: %w", err)
	}
	decoders := map[string]func([]byte) error{
		"apps/v1 Deployment":            func(d []byte) error { return decodeInto(d, &m.Deployments) },
		"apps/v1 StatefulSet":           func(d []byte) error { return decodeInto(d, &m.StatefulSets) },
		"v1 Service":                    func(d []byte) error { return decodeInto(d, &m.Services) },
		"v1 ConfigMap":                  func(d []byte) error { return decodeInto(d, &m.ConfigMaps) },
		"v1 Secret":                     func(d []byte) error { return decodeInto(d, &m.Secrets) },
		"policy/v1 PodDisruptionBudget": func(d []byte) error { return decodeInto(d, &m.PDBs) },
	}
	decode, ok := decoders[tm.APIVersion+" "+tm.Kind]
	if !ok {
		return "", fmt.Errorf("unexpected object %s %s", tm.APIVersion, tm.Kind)
	}
	return tm.Kind, decode(doc)
}

// decodeInto decodes doc strictly (unknown and duplicate fields are errors)
// and appends it to *list.
func decodeInto[T any](doc []byte, list *[]T) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return fmt.Errorf("strict decoding: %w", err)
	}
	*list = append(*list, v)
	return nil
}

// only returns the one element of list, failing unless there is exactly one.
func only[T any](t *testing.T, what string, list []T) T {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("%d %s in kubernetes/, want 1", len(list), what)
	}
	return list[0]
}

// count shows a replica count that may be unset.
func count(n *int32) string {
	if n == nil {
		return "unset"
	}
	return fmt.Sprint(*n)
}

// count64 shows a number of seconds that may be unset.
func count64(n *int64) string {
	if n == nil {
		return "unset"
	}
	return fmt.Sprint(*n)
}

// selects fails unless selector selects podLabels.
func selects(t *testing.T, what string, selector *metav1.LabelSelector, podLabels map[string]string) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		t.Fatalf("%s: selector: %v", what, err)
	}
	if s.Empty() || !s.Matches(labels.Set(podLabels)) {
		t.Errorf("%s: selector %v does not select the pods %v", what, s, podLabels)
	}
}

// The kit decodes into the Kubernetes API types with no unknown field, and
// kustomization.yaml applies every manifest but the example Secret.
func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	var k struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Labels     []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
		Resources []string `json:"resources"`
		Images    []struct {
			Name    string `json:"name"`
			NewName string `json:"newName"`
			NewTag  string `json:"newTag"`
		} `json:"images"`
	}
	readStrict(t, filepath.Join("kubernetes", "kustomization.yaml"), &k)
	var want []string
	for f := range m.Files {
		if f != "secret.example.yaml" {
			want = append(want, f)
		}
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(k.Resources))
	if !slices.Equal(got, want) {
		t.Errorf("kustomization resources = %v, want every manifest but the example Secret: %v", got, want)
	}
	if !slices.Equal(m.Files["secret.example.yaml"], []string{"Secret"}) {
		t.Errorf("secret.example.yaml holds %v, want one Secret", m.Files["secret.example.yaml"])
	}
	if len(k.Images) != 1 || k.Images[0].Name != only(t, "Deployments", m.Deployments).Spec.Template.Spec.Containers[0].Image {
		t.Errorf("kustomization images %+v do not name the Deployment's image", k.Images)
	}
}

// shipsyncContainer returns the Deployment's shipsync container.
func shipsyncContainer(t *testing.T, d appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "shipsync" {
			return c
		}
	}
	t.Fatalf("Deployment %s has no container shipsync", d.Name)
	return corev1.Container{}
}

// Two replicas behind a PodDisruptionBudget, probes on /healthz and /readyz
// of the port HTTP_ADDR listens on, a grace period longer than
// SHUTDOWN_GRACE, and a Service for the metrics of every replica, ready or not.
func TestDeployment(t *testing.T) {
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("Deployment replicas = %s, want 2", count(d.Spec.Replicas))
	}
	pod := d.Spec.Template
	selects(t, "Deployment", d.Spec.Selector, pod.Labels)
	c := shipsyncContainer(t, d)
	cm := only(t, "ConfigMaps", m.ConfigMaps)
	port := httpPort(t, c, cm)
	checkProbe(t, "liveness", c.LivenessProbe, "/healthz", port)
	checkProbe(t, "readiness", c.ReadinessProbe, "/readyz", port)
	grace, err := time.ParseDuration(cm.Data["SHUTDOWN_GRACE"])
	if err != nil {
		t.Fatalf("ConfigMap SHUTDOWN_GRACE: %v", err)
	}
	if tg := pod.Spec.TerminationGracePeriodSeconds; tg == nil || time.Duration(*tg)*time.Second <= grace+5*time.Second {
		t.Errorf("terminationGracePeriodSeconds = %s, want more than SHUTDOWN_GRACE %s plus 5s to close", count64(tg), grace)
	}
	pdb := only(t, "PodDisruptionBudgets", m.PDBs)
	selects(t, "PodDisruptionBudget", pdb.Spec.Selector, pod.Labels)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget minAvailable = %v, want 1 of the 2 replicas", pdb.Spec.MinAvailable)
	}
	checkMetricsService(t, m.Services, pod.Labels, port)
}

// httpPort returns the port of HTTP_ADDR, failing unless the container's
// port named http is that port.
func httpPort(t *testing.T, c corev1.Container, cm corev1.ConfigMap) string {
	t.Helper()
	_, port, ok := strings.Cut(cm.Data["HTTP_ADDR"], ":")
	if !ok {
		t.Fatalf("ConfigMap HTTP_ADDR = %q, want host:port", cm.Data["HTTP_ADDR"])
	}
	for _, p := range c.Ports {
		if p.Name == "http" && fmt.Sprint(p.ContainerPort) == port {
			return port
		}
	}
	t.Fatalf("container ports %+v: none named http on HTTP_ADDR's port %s", c.Ports, port)
	return ""
}

// checkProbe fails unless probe is an HTTP GET of path on the http port.
func checkProbe(t *testing.T, name string, probe *corev1.Probe, path, port string) {
	t.Helper()
	if probe == nil || probe.HTTPGet == nil {
		t.Errorf("%s probe %+v, want an HTTP GET", name, probe)
		return
	}
	g := probe.HTTPGet
	if g.Path != path || (g.Port.String() != "http" && g.Port.String() != port) {
		t.Errorf("%s probe GET %s on port %s, want %s on port http (%s)", name, g.Path, g.Port.String(), path, port)
	}
}

// checkMetricsService fails unless a Service reaches the http port of every
// pod with podLabels, ready or not, annotated for Prometheus.
func checkMetricsService(t *testing.T, services []corev1.Service, podLabels map[string]string, port string) {
	t.Helper()
	var metrics *corev1.Service
	for i, s := range services {
		if len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(podLabels)) {
			metrics = &services[i]
		}
	}
	if metrics == nil {
		t.Fatal("no Service selects the shipsync pods")
	}
	if len(metrics.Spec.Ports) != 1 || metrics.Spec.Ports[0].TargetPort.String() != "http" || !metrics.Spec.PublishNotReadyAddresses {
		t.Errorf("Service %s: ports %+v, publishNotReadyAddresses %v; want the http port of every replica, ready or not",
			metrics.Name, metrics.Spec.Ports, metrics.Spec.PublishNotReadyAddresses)
	}
	if metrics.Annotations["prometheus.io/scrape"] != "true" || metrics.Annotations["prometheus.io/port"] != port {
		t.Errorf("Service %s annotations %v, want prometheus.io/scrape and port %s", metrics.Name, metrics.Annotations, port)
	}
}

// Non-root, no privilege escalation, no capability and a read-only root
// file system, for shipsync and for Redis.
func TestSecurityContexts(t *testing.T) {
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	r := only(t, "StatefulSets", m.StatefulSets)
	for _, pod := range []corev1.PodTemplateSpec{d.Spec.Template, r.Spec.Template} {
		checkPodSecurity(t, pod)
		for _, c := range pod.Spec.Containers {
			checkContainerSecurity(t, c)
		}
	}
}

// checkPodSecurity fails unless pod runs as a non-root user under the
// RuntimeDefault seccomp profile without a service account token.
func checkPodSecurity(t *testing.T, pod corev1.PodTemplateSpec) {
	t.Helper()
	ps := pod.Spec.SecurityContext
	if ps == nil {
		t.Errorf("pod %v has no securityContext", pod.Labels)
		return
	}
	if ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser == 0 {
		t.Errorf("pod %v: securityContext %+v, want runAsNonRoot and a non-zero runAsUser", pod.Labels, ps)
	}
	if ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod %v: want the RuntimeDefault seccomp profile", pod.Labels)
	}
	if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
		t.Errorf("pod %v mounts a service account token it does not use", pod.Labels)
	}
}

// checkContainerSecurity fails unless c has a read-only root file system, no
// privilege escalation, no capability, and a memory request and limit.
func checkContainerSecurity(t *testing.T, c corev1.Container) {
	t.Helper()
	s := c.SecurityContext
	if s == nil || s.ReadOnlyRootFilesystem == nil || !*s.ReadOnlyRootFilesystem ||
		s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation ||
		s.Capabilities == nil || !slices.Equal(s.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container %s: securityContext %+v, want a read-only root, no escalation, every capability dropped", c.Name, s)
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("container %s: want a memory request and limit", c.Name)
	}
}

// credentialsInURL matches a URL with a user or password.
var credentialsInURL = regexp.MustCompile(`://[^/\s]*@`)

// Every secret arrives as NAME_FILE, a file of the mounted Secret; no secret
// is a plain variable or in the ConfigMap; every required variable is given;
// every name is a declared variable.
func TestSecretsArriveAsFiles(t *testing.T) {
	vars := variables(t)
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	c := shipsyncContainer(t, d)
	cm := only(t, "ConfigMaps", m.ConfigMaps)
	secret := only(t, "Secrets", m.Secrets)

	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != cm.Name {
		t.Errorf("envFrom = %+v, want the ConfigMap %s", c.EnvFrom, cm.Name)
	}
	given := map[string]bool{}
	for name, value := range cm.Data {
		given[name] = true
		switch {
		case !declared(vars, name) || strings.HasSuffix(name, "_FILE"):
			t.Errorf("ConfigMap sets %s, which is no variable", name)
		case vars[name].Secret:
			t.Errorf("ConfigMap holds the secret %s", name)
		case credentialsInURL.MatchString(value):
			t.Errorf("ConfigMap %s holds credentials in a URL", name)
		}
	}
	files := secretFiles(t, d, c, secret)
	for _, e := range c.Env {
		given[e.Name] = true
		checkEnv(t, vars, e, files)
	}
	checkGiven(t, vars, given)
	checkSecretTemplate(t, secret)
}

// secretFiles returns the files of secret as c mounts them: path -> key.
func secretFiles(t *testing.T, d appsv1.Deployment, c corev1.Container, secret corev1.Secret) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, vm := range c.VolumeMounts {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Name != vm.Name || v.Secret == nil || v.Secret.SecretName != secret.Name {
				continue
			}
			if !vm.ReadOnly {
				t.Errorf("the Secret is mounted writable at %s", vm.MountPath)
			}
			for key := range secret.StringData {
				files[path.Join(vm.MountPath, key)] = key
			}
		}
	}
	return files
}

// checkEnv fails unless e is a declared variable, not a secret given as a
// value, and, as NAME_FILE, a file of the Secret.
func checkEnv(t *testing.T, vars map[string]variable, e corev1.EnvVar, files map[string]string) {
	t.Helper()
	switch {
	case !declared(vars, e.Name):
		t.Errorf("env %s is no variable", e.Name)
	case vars[e.Name].Secret:
		t.Errorf("secret %s is a plain variable; want %s_FILE", e.Name, e.Name)
	case strings.HasSuffix(e.Name, "_FILE") && files[e.Value] == "":
		t.Errorf("%s = %q is no file of the Secret", e.Name, e.Value)
	case e.ValueFrom != nil:
		t.Errorf("env %s comes from valueFrom; want secrets as files", e.Name)
	}
}

// checkGiven fails for a variable given both ways, a required one not given,
// and a required secret not given as NAME_FILE.
func checkGiven(t *testing.T, vars map[string]variable, given map[string]bool) {
	t.Helper()
	for _, v := range vars {
		plain, file := given[v.Name], given[v.Name+"_FILE"]
		switch {
		case plain && file:
			t.Errorf("both %s and %s_FILE are set", v.Name, v.Name)
		case v.Required && !plain && !file:
			t.Errorf("required %s is given neither in the ConfigMap nor as %s_FILE", v.Name, v.Name)
		case v.Secret && v.Required && !file:
			t.Errorf("secret %s does not arrive as %s_FILE", v.Name, v.Name)
		}
	}
}

// checkSecretTemplate fails when the example Secret holds a credential.
func checkSecretTemplate(t *testing.T, secret corev1.Secret) {
	t.Helper()
	for key, value := range secret.StringData {
		if key != "redis-url" && value != "" {
			t.Errorf("secret.example.yaml holds a value for %s; it must stay a template", key)
		}
	}
	if len(secret.Data) > 0 || credentialsInURL.MatchString(secret.StringData["redis-url"]) {
		t.Error("secret.example.yaml holds data or a Redis password; it must stay a template")
	}
}

// Redis keeps its state in an append-only file, fsynced every second, on a
// persistent volume, never evicts keys, and is the Redis the Secret's
// redis-url names.
func TestRedisPersistence(t *testing.T) {
	m := loadManifests(t)
	r := only(t, "StatefulSets", m.StatefulSets)
	if r.Spec.Replicas == nil || *r.Spec.Replicas != 1 {
		t.Errorf("Redis replicas = %s, want 1", count(r.Spec.Replicas))
	}
	selects(t, "Redis StatefulSet", r.Spec.Selector, r.Spec.Template.Labels)
	c := only(t, "Redis containers", r.Spec.Template.Spec.Containers)
	checkRedisCommand(t, "Redis StatefulSet", append(slices.Clone(c.Command), c.Args...))
	claim := only(t, "Redis volumeClaimTemplates", r.Spec.VolumeClaimTemplates)
	if claim.Spec.Resources.Requests.Storage().IsZero() {
		t.Error("Redis volume claim requests no storage")
	}
	if !slices.ContainsFunc(c.VolumeMounts, func(vm corev1.VolumeMount) bool { return vm.Name == claim.Name && vm.MountPath == "/data" }) {
		t.Errorf("Redis does not mount its claim %s at /data", claim.Name)
	}
	if c.LivenessProbe == nil || c.ReadinessProbe == nil {
		t.Error("Redis has no liveness or readiness probe")
	}
	svc := redisService(t, m.Services, r)
	want := fmt.Sprintf("redis://%s:%d/", svc.Name, svc.Spec.Ports[0].Port)
	if url := only(t, "Secrets", m.Secrets).StringData["redis-url"]; !strings.HasPrefix(url, want) {
		t.Errorf("secret.example.yaml redis-url = %q, want the in-cluster Redis %s...", url, want)
	}
}

// redisService returns the Service of the Redis StatefulSet r, failing
// unless it selects r's pods on one port.
func redisService(t *testing.T, services []corev1.Service, r appsv1.StatefulSet) corev1.Service {
	t.Helper()
	for _, s := range services {
		if s.Name != r.Spec.ServiceName {
			continue
		}
		if !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(r.Spec.Template.Labels)) || len(s.Spec.Ports) != 1 {
			t.Fatalf("Service %s does not reach the Redis pods on one port", s.Name)
		}
		return s
	}
	t.Fatalf("no Service %s for the Redis StatefulSet", r.Spec.ServiceName)
	return corev1.Service{}
}

// The decoder is strict: a misspelt field fails, as CI must.
func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	var m manifests
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n")
	if _, err := m.decode(doc); err == nil || !strings.Contains(err.Error(), "replica") {
		t.Errorf("decode of a misspelt field: %v, want an unknown-field error", err)
	}
	if _, err := m.decode(bytes.ReplaceAll(doc, []byte("Deployment"), []byte("Deploymnet"))); err == nil {
		t.Error("decode of an unknown kind succeeded")
	}
}
